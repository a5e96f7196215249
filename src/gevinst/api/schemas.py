from __future__ import annotations

from ninja import Schema


class OrganisationOut(Schema):
    slug: str
    name: str
    region: str
    is_demo: bool
    role: str


class ErrorOut(Schema):
    detail: str
