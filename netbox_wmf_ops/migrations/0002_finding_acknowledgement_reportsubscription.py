# Acknowledgements of findings, the "acknowledge" permission action, report subscriptions (issue #13).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("netbox_wmf_ops", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="finding",
            options={
                "ordering": ("report", "test", "display", "pk"),
                "permissions": [("acknowledge", "Acknowledge findings")],
                "verbose_name": "finding",
            },
        ),
        migrations.AddField(
            model_name="finding",
            name="acknowledged",
            field=models.DateTimeField(blank=True, help_text="when the finding was acknowledged", null=True),
        ),
        migrations.AddField(
            model_name="finding",
            name="acknowledged_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="acknowledged_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="finding",
            name="acknowledged_until",
            field=models.DateField(
                blank=True, help_text="the acknowledgement holds through this day (empty: until cleared)", null=True
            ),
        ),
        migrations.CreateModel(
            name="ReportSubscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False)),
                ("report", models.CharField(db_index=True, max_length=200)),
                ("created", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "report subscription",
                "ordering": ("report", "user"),
                "constraints": [
                    models.UniqueConstraint(fields=("user", "report"), name="netbox_wmf_ops_report_subscription")
                ],
            },
        ),
    ]
