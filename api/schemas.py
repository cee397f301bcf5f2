"""The API's row shapes, one per table: what the OpenAPI document describes and Power BI gets as columns.
Every row is flat (no nesting) and joins to the others by id."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, TypeVar

from ninja import Field, Schema

Row = TypeVar("Row")


class Page(Schema, Generic[Row]):
    count: int = Field(description="How many rows the table has with these filters, over every page.")
    next: str | None = Field(description="The address of the next page, or null on the last page.")
    previous: str | None = Field(description="The address of the previous page, or null on the first page.")
    as_at: datetime = Field(description="The moment the rows were read as at.")
    results: list[Row]


class Refusal(Schema):
    detail: str | list = Field(description="Why the request was refused.")


class PlanRow(Schema):
    id: int
    slug: str
    local_area: str
    plan_type: str
    plan_type_label: str
    title: str
    start_date: date
    published: date | None
    inspection_label: str
    predecessor_id: int | None
    publishes_ratings: bool
    board_name: str


class PeriodRow(Schema):
    id: int
    plan_id: int
    name: str
    start: date
    end: date
    update_deadline: date | None
    status: str = Field(description="planned, open or closed.")


class AreaRow(Schema):
    id: int
    plan_id: int
    ref: str
    kind: str
    label: str
    title: str
    order: int
    reported_with_id: int | None
    closed_on: date | None
    closed_reason: str


class ActionRow(Schema):
    id: int
    plan_id: int
    area_id: int
    outcome_id: int | None
    ref: str
    text: str
    leads: str = Field(description="The leads then, as post (person), separated by semicolons.")
    status: str = Field(description="open, completed, carried_forward or withdrawn.")
    due_date: date | None
    due_label: str
    revised_due_date: date | None
    completed_on: date | None
    current_rag: str = Field(description='blue, green, amber, red, white, or "" when not rated.')
    stage: str = Field(description='not_started, in_progress, complete, closed, or "" when not recorded.')
    stage_label: str = Field(description="The stage in the plan's own words.")
    percent_complete: int | None
    order: int
    carried_from_id: int | None
    period_id: int | None = Field(description="The period asked for with ?period=, else null.")
    period_rag: str | None = Field(description="The rating as at ?period= (latest in it or before), else null.")


class ActionRatingRow(Schema):
    action_id: int
    period_id: int
    plan_id: int
    rag: str = Field(description='The rating as at the period: the latest given in it or before ("" if none).')
    updated_in_period: bool


class ProgressUpdateRow(Schema):
    id: int
    action_id: int
    period_id: int
    plan_id: int
    rag: str = Field(description='"" for a narrative entry, which rates nothing.')
    stage: str
    percent_complete: int | None
    progress: str
    impact: str
    recovery_note: str
    completion_date: date | None
    brought_in: bool
    submitted_at: datetime


class KpiRow(Schema):
    id: int
    plan_id: int
    area_id: int | None
    ref: str
    measure: str
    category: str
    unit: str
    polarity: str
    baseline_value: float | None
    baseline_text: str
    baseline_date: date | None
    data_source: str
    owner_id: int | None
    comparator_label: str
    comparator_value: float | None


class MilestoneRow(Schema):
    id: int
    kpi_id: int
    plan_id: int
    months: int
    due_date: date
    target_text: str
    target_value: float | None
    target_benchmark: str
    suggested_rag: str
    rag: str
    commentary: str


class MeasurementRow(Schema):
    id: int
    kpi_id: int
    plan_id: int
    period_date: date
    period_label: str
    value: float | None
    value_text: str
    status: str
    england_value: float | None
    neighbours_value: float | None
    region_value: float | None
    is_current: bool = Field(description="False for a value later restated.")
    recorded_at: datetime


class RiskRow(Schema):
    id: int
    plan_id: int
    area_id: int | None
    ref: str
    risk: str
    owner_id: int
    severity: str
    inherent_likelihood: int | None
    inherent_impact: int | None
    inherent_score: int | None
    current_likelihood: int | None
    current_impact: int | None
    current_score: int | None
    target_likelihood: int | None
    target_impact: int | None
    target_score: int | None
    band: str
    mitigation: str
    status: str
    next_review: date | None


class RiskReviewRow(Schema):
    id: int
    risk_id: int
    plan_id: int
    reviewed_on: date
    period_id: int | None
    likelihood: int | None
    impact: int | None
    score: int | None
    note: str
