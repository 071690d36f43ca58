"""Liaison stations, reception schedules and days, constituents' opinions, deliberation activities (DOMAIN.md §4)."""

from renda.liaison.models.activities import Activity, ActivityKind, ActivityStatus
from renda.liaison.models.deputies import DeputyWork, WorkKind
from renda.liaison.models.opinions import (
    Channel,
    JudgedVia,
    NotAcceptedReason,
    Opinion,
    OpinionAlert,
    OpinionAlertKind,
    OpinionJudgment,
    OpinionStatus,
    Satisfaction,
)
from renda.liaison.models.stations import (
    DutyAssignment,
    ExceptionKind,
    Reception,
    ReceptionSchedule,
    ScheduleException,
    Station,
    StationDeputy,
    StationKind,
)

__all__ = [
    "Activity", "ActivityKind", "ActivityStatus", "Channel", "DeputyWork", "DutyAssignment", "ExceptionKind",
    "JudgedVia", "NotAcceptedReason", "Opinion", "OpinionAlert", "OpinionAlertKind", "OpinionJudgment",
    "OpinionStatus", "Reception", "ReceptionSchedule", "Satisfaction", "ScheduleException", "Station",
    "StationDeputy", "StationKind", "WorkKind",
]
