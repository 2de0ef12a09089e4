"""Online learning platform accounts for the DPO: what platform, which login, when
opened and closed. Found by the address the platform knows (kept on the record, so that
it is found even once the enrolment is gone)."""

import datetime

from django.utils.translation import gettext_lazy as _

from core.addresses import email_normalise
from core.providers import ERASE, KEEP, Planned, Provider, Record
from lms.models import LmsAccess
from lms.services import lms_access_close


class LmsAccessProvider(Provider):
    label = _("Online learning platform")
    models = (LmsAccess,)

    def _accesses(self, email):
        return list(LmsAccess.objects.filter(email__lower=email_normalise(email)))

    def _record(self, access):
        summary = f"{access.platform} · {access.course_code} · {access.get_state_display()}"
        return Record(self.label, _("LMS access"), access.pk, summary, model="lms.lmsaccess")

    def records(self, *, email):
        return [self._record(access) for access in self._accesses(email)]

    def export(self, *, email):
        accesses = self._accesses(email)
        if not accesses:
            return {}

        def iso(moment: datetime.datetime | None):
            return moment.isoformat() if moment else None

        return {
            "lms_accesses": [
                {
                    "platform": a.platform,
                    "course": a.course_code,
                    "login": a.login,
                    "state": a.state,
                    "requested_at": iso(a.requested_at),
                    "granted_at": iso(a.granted_at),
                    "revoked_at": iso(a.revoked_at),
                }
                for a in accesses
            ]
        }

    def _plan(self, access):
        if access.state != LmsAccess.State.GRANTED:
            return Planned(self._record(access), ERASE)
        # Deleting the record of an open account would leave the account open for good.
        return Planned(
            self._record(access),
            KEEP,
            _(
                "The account on the platform is closed first (the revocation job does it "
                "within the hour); its record can then be erased."
            ),
        )

    def erasure_plan(self, *, email, today):
        return [self._plan(access) for access in self._accesses(email)]

    def erase(self, *, email, now):
        kept = 0
        for access in self._accesses(email):
            if access.state == LmsAccess.State.GRANTED:
                lms_access_close(access=access, now=now)
                kept += 1
        erased = LmsAccess.objects.filter(
            email__lower=email_normalise(email), state__in=["to_grant", "revoked"]
        ).delete()[0]
        return {ERASE: erased, KEEP: kept}
