# SERVICE-7, Decision D-DESK-14: the call log's optional columns transfer_asked, expert and
# expert_wait_seconds. Written by hand so that it holds only the hotline's changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0004_birthday_waiver_correction"),
    ]

    operations = [
        migrations.AddField(
            model_name="hotlinecall",
            name="transfer_asked",
            field=models.BooleanField(
                blank=True,
                help_text="Empty: no transfer, or the call centre did not record it.",
                null=True,
                verbose_name="transfer asked for by the customer",
            ),
        ),
        migrations.AddField(
            model_name="hotlinecall",
            name="expert",
            field=models.BooleanField(
                blank=True,
                help_text="Only for a transfer to an agent. Empty: not recorded.",
                null=True,
                verbose_name="transferred to an expert agent",
            ),
        ),
        migrations.AddField(
            model_name="hotlinecall",
            name="expert_wait_seconds",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="From the transfer until the expert agent answered. Empty: never answered.",
                null=True,
                verbose_name="seconds to the expert agent",
            ),
        ),
        migrations.AddConstraint(
            model_name="hotlinecall",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("transfer", ""), _negated=True),
                    ("transfer_asked__isnull", True),
                    _connector="OR",
                ),
                name="hotline_transfer_asked_only_with_transfer",
            ),
        ),
        migrations.AddConstraint(
            model_name="hotlinecall",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("transfer", "agent"), ("expert__isnull", True), _connector="OR"
                ),
                name="hotline_expert_only_for_agent_transfer",
            ),
        ),
        migrations.AddConstraint(
            model_name="hotlinecall",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("expert", True), ("expert_wait_seconds__isnull", True), _connector="OR"
                ),
                name="hotline_expert_wait_only_for_expert",
            ),
        ),
    ]
