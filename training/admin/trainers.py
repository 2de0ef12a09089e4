"""Trainers: chosen on each session; a subcontractor receives their trainees' names."""

from django.contrib import admin

from training.models import Trainer
from training.trainers import trainer_save


@admin.register(Trainer)
class TrainerAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "company", "email"]
    list_filter = ["status"]
    search_fields = ["name", "email", "company"]

    def save_model(self, request, obj, form, change):
        trainer_save(trainer=obj)
