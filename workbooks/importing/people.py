"""Officers, organisations and post holders named in a workbook: read once, matched or created."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError

from actions.locking import save_versioned
from actions.models import Officer, Organisation
from actions.selectors import plan_organisation_ids
from actions.services import post_holder_record
from workbooks import schema
from workbooks.changes import FieldChange
from workbooks.parsing import HOME_ORGANISATION_WORDS, Lead, is_placeholder_lead, organisation_lead, parse_leads
from workbooks.reader import Row

# "Post (Person)": the person is the last bracket, so a post may carry its own ("Designated Clinical Officer (DCO)").
_POST_PERSON = re.compile(r"^(?P<post>.+?)\s*(?:\((?P<person>[^()]*)\))?$")


# The kind of an organisation named with a post but not yet known, read from how its name ends.
_ORGANISATION_KINDS = (
    ("icb", Organisation.Kind.ICB),
    ("ccg", Organisation.Kind.ICB),
    ("nhs trust", Organisation.Kind.NHS_TRUST),
    ("foundation trust", Organisation.Kind.NHS_TRUST),
    ("council", Organisation.Kind.COUNCIL),
)


class PeopleRows:
    """The leads, owners and organisations cells; the Post holders sheet; the plan's partners."""

    def officer(self, post: str, person: str = "", organisation: str = "") -> Officer:
        """An existing officer with this post (and name, and organisation when the cell names one), or a new one in
        the organisation named with the post ("Head of Inclusion (CFC)"), else in the matching organisation."""
        key = (post.casefold(), person.casefold(), organisation.casefold())
        if key not in self.officers:
            self.officers[key] = self._officer(post, person, organisation)
        return self.officers[key]

    def _officer(self, post: str, person: str, organisation: str) -> Officer:
        named = self.post_organisation(organisation) if organisation else None
        match = Officer.objects.filter(post_title__iexact=post).select_related("organisation")
        if named is not None:
            match = match.filter(organisation=named)
        if person:
            match = match.filter(person_name__iexact=person)
        found = match.order_by("pk").first()
        if found is None and person:
            # "Head Teachers (representatives)" may be a post whose title ends in brackets, with no person.
            found = (
                Officer.objects.filter(post_title__iexact=f"{post} ({person})", person_name="")
                .select_related("organisation")
                .first()
            )
        if found:
            return found
        organisation = named or self.organisations.get(schema.normalise(post)) or self.home_organisation()
        officer = Officer(post_title=post, person_name=person, organisation=organisation)
        save_versioned(officer, expected_version=1, by=self.by)
        self.result.count(
            "created", "Officer", record=str(officer), fields=[FieldChange("Organisation", "", str(organisation))]
        )
        return officer

    def organisation(self, name: str, kind: str = Organisation.Kind.OTHER) -> Organisation:
        """An organisation by name or short name, or a new one (of kind "other" unless said) for the programme
        manager to sort under Manage."""
        name = name.strip()
        found = self.organisations.get(schema.normalise(name)) or Organisation.objects.filter(name=name).first()
        if found is None:
            found = Organisation(name=name, kind=kind)
            save_versioned(found, expected_version=1, by=self.by)
            self.result.count(
                "created", "Organisation", record=name, fields=[FieldChange("Kind", "", Organisation.Kind(kind).label)]
            )
        self.organisations[schema.normalise(name)] = found
        return found

    def post_organisation(self, name: str) -> Organisation:
        """The organisation a post is written with, matched on name or short name; one the plan does not know yet
        is added (its kind read from its name) and the preview warns, as for a new partner."""
        if schema.normalise(name) in HOME_ORGANISATION_WORDS:  # "Head of SEND (Council)": the area's own council
            return self.home_organisation()
        known = self.organisations.get(schema.normalise(name)) or Organisation.objects.filter(name=name).first()
        if known is not None:
            return known
        kind = next(
            (kind for ending, kind in _ORGANISATION_KINDS if name.casefold().endswith(ending)), Organisation.Kind.OTHER
        )
        self.result.warnings.append(
            f"“{name}”, named with a post, is not an organisation this plan knows: it was added as a new "
            f"{Organisation.Kind(kind).label} organisation. Check its name and kind under Manage."
        )
        return self.organisation(name, kind=kind)

    def home_organisation(self) -> Organisation:
        """Where new officers go when the workbook does not say: the local area's own organisation."""
        return self.organisation(self.plan.local_area, kind=Organisation.Kind.COUNCIL)

    def one_officer(self, row: Row, column: str) -> Officer | None | bool:
        """The single officer a cell names (an owner, an update's author); False when it cannot be read."""
        if not row.get(column):
            return None
        officers = self.leads(row, column)
        if officers is None:
            return False
        if len(officers) > 1:
            self.problem(
                row,
                column,
                "names more than one person: give one owner (write a post with commas or "
                "“and” in it followed by a semicolon).",
            )
            return False
        return officers[0] if officers else None

    def leads(self, row: Row, column: str) -> list[Officer] | None:
        text = row.text(column)
        # The plan's organisations as they spell themselves, so that "PaCiP" alone leads as "PaCiP lead".
        names = {name for o in self.organisations.values() for name in (o.name, o.short_name) if name}
        if ";" in text or "\n" in text:
            # Leads listed one per line or with semicolons (as export writes them) keep any commas inside a post
            # title ("Service Leader, CYPDS"): each part is one lead, "Post (Person)".
            parsed = []
            for part in (p.strip() for p in re.split(r"[;\n]", text) if p.strip()):
                match = _POST_PERSON.match(part)
                if match is None:
                    self.problem(row, column, f"“{part}” is not a lead we can read: write each as Post (Person).")
                    return None
                post, person = match["post"].strip(), (match["person"] or "").strip()
                if schema.normalise(person) in self.organisations:  # "Head of Inclusion (CFC)": its organisation
                    parsed.append(Lead(post, "", person))
                elif person and (named := organisation_lead(person, names)):  # "DCO (ICB)": the ICB's DCO
                    parsed.append(Lead(post, "", named.organisation))
                elif not person and (organisation := organisation_lead(post, names)):
                    parsed.append(organisation)  # "ICB" alone: the ICB's lead, not a person called ICB
                else:
                    parsed.append(Lead(post, person))
        else:
            parsed = self.parsed(row, column, parse_leads, organisations=names)
        if parsed is None:
            return None
        known = [lead for lead in parsed if lead.person or not is_placeholder_lead(lead.post)]
        if len(known) < len(parsed):
            if not known:
                self.placeholder_cells.add((row.sheet, row.number, column))
            self.result.warnings.append(
                f"{row.sheet} row {row.number}, column {row.headers.get(column, column)}: "
                f"“{', '.join(lead.post for lead in parsed if lead not in known)}” is a placeholder, not a person, "
                "so no one was recorded for it: add them under Manage when they are known."
            )
        return [self.officer(lead.post, lead.person, lead.organisation) for lead in known]

    def post_holders_sheet(self) -> None:
        """Who held each handed-over post from when: the person a past update, report or history row names."""
        seen: dict[tuple[int, date], int] = {}
        for row in self.workbook.rows(schema.POST_HOLDERS):
            officer = self.one_officer(row, "post")
            if not officer:
                if officer is None:
                    self.problem(row, "post", "names no post: give the post as the other sheets name it.")
                continue
            if not row.get("from"):
                self.problem(row, "from", "is empty: give the date this person took over the post.")
                continue
            started_on = self.date_of(row, "from")
            if started_on is None:
                continue
            if (officer.pk, started_on) in seen:
                self.problem(
                    row,
                    "from",
                    f"names a second holder of this post from the same day as row {seen[officer.pk, started_on]}.",
                    row.get("from"),
                )
                continue
            seen[officer.pk, started_on] = row.number
            given = (row.text("person"), row.text("email"))
            before = officer.holders.filter(started_on=started_on).values_list("person_name", "email").first()
            try:
                post_holder_record(
                    officer=officer, person_name=given[0], email=given[1], started_on=started_on, by=self.by
                )
            except ValidationError as error:
                self.refused(row, error, rename={"person_name": "person", "started_on": "from"})
                continue
            kind = "created" if before is None else "unchanged" if tuple(before) == given else "changed"
            self.result.count(
                kind,
                "Post holder",
                record=f"{officer.post_title} from {started_on:%-d %B %Y}",
                fields=[
                    FieldChange(name, old, new)
                    for name, old, new in zip(("Person", "Email"), before or ("", ""), given, strict=True)
                    if old != new
                ],
            )

    def partner_organisations(self) -> None:
        """Every organisation the workbook brought into the plan works on it, so lead pickers offer its posts."""
        named = set(self.plan.partner_organisations.values_list("id", flat=True))
        if new := plan_organisation_ids(self.plan) - named:  # nothing new: no write, no history row
            self.plan.partner_organisations.add(*new)
