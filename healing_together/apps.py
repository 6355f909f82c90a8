from django.apps import AppConfig


class HealingTogetherConfig(AppConfig):
    name = "healing_together"
    verbose_name = "Healing Together"
