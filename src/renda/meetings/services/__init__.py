"""Every write of the meetings app (sessions, meetings, votes, elections), one function per operation."""

from renda.meetings.services.absences import absence_excuse_record, absence_termination_confirm
from renda.meetings.services.elections import (
    candidate_nominate,
    election_create,
    election_round_create,
    oath_record,
    round_candidate_set,
)
from renda.meetings.services.materials import document_add, notice_publish, notice_read
from renda.meetings.services.meetings import (
    QuorumNotMet,
    agenda_item_add,
    agenda_item_move,
    leave_request_decide,
    leave_request_submit,
    meeting_cancel,
    meeting_close,
    meeting_create,
    meeting_start,
    session_create,
    sign_in,
)
from renda.meetings.services.votes import (
    AlreadyVoted,
    PaperEntriesDisagree,
    Receipt,
    VoteNotOpen,
    ballot_cast,
    close_if_due,
    election_ballot_cast,
    live_counts,
    paper_tally_discard,
    paper_tally_enter,
    receipt_hash,
    vote_close,
    vote_close_due,
    vote_create,
    vote_open,
    vote_revote,
    vote_verify,
)

__all__ = [
    "AlreadyVoted", "PaperEntriesDisagree", "QuorumNotMet", "Receipt", "VoteNotOpen", "absence_excuse_record",
    "absence_termination_confirm", "agenda_item_add", "agenda_item_move", "ballot_cast", "candidate_nominate",
    "close_if_due", "document_add", "election_ballot_cast", "election_create", "election_round_create",
    "leave_request_decide", "leave_request_submit", "live_counts", "meeting_cancel", "meeting_close",
    "meeting_create", "meeting_start", "notice_publish", "notice_read", "oath_record", "paper_tally_discard",
    "paper_tally_enter", "receipt_hash", "round_candidate_set", "session_create", "sign_in", "vote_close",
    "vote_close_due", "vote_create", "vote_open", "vote_revote", "vote_verify",
]
