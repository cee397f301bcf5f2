"""Background job for board packs: rendering a meeting's pack (jobs app; WeasyPrint takes seconds, so no web
request runs it, as for termly reports: docs/decisions/0014-background-jobs.md)."""

from boards.models import Meeting
from boards.permissions import can_produce_pack, can_read_pack
from boards.services import board_pack_produce
from jobs.tasks import JobRefused, JobResult, job_task


def _meeting(job) -> Meeting | None:
    return Meeting.objects.select_related("board").filter(pk=job.args.get("meeting")).first()


def _reader(user, job) -> bool:
    meeting = _meeting(job)
    return meeting is not None and can_read_pack(user, meeting.board)


def _producer(user, job) -> bool:
    meeting = _meeting(job)
    return meeting is not None and can_produce_pack(user, meeting.board)


@job_task(can_view=_reader, can_retry=_producer)
def render_board_pack(job, progress) -> JobResult:
    meeting = _meeting(job)
    if meeting is None:
        raise JobRefused("The meeting was deleted, so there is no pack to produce.")
    pack = board_pack_produce(meeting=meeting, by=job.requested_by, progress=progress)
    return JobResult(url=pack.get_absolute_url(), label="Open the board pack")
