from django.http import QueryDict

from core.search import MAX_LENGTH, search_term


def test_the_search_term_loses_control_characters_and_spaces() -> None:
    assert search_term(QueryDict("q=%00%20%E5%BC%A0%09%E4%B8%89%7F%20")) == "张三"


def test_the_search_term_is_bounded_and_defaults_to_empty() -> None:
    assert search_term(QueryDict("q=" + "x" * 500)) == "x" * MAX_LENGTH
    assert search_term(QueryDict("")) == ""
    assert search_term(QueryDict("name=abc"), "name") == "abc"
