from celery import shared_task


@shared_task(name="core.ping")
def ping(payload: str = "ping") -> str:
    """A task with no side effect, used to check that a worker answers."""
    return f"pong:{payload}"
