"""The scorer's constants and the candidate search's caps, the why next to each.

The caps the tests turn down (_READ_SLOT, _MAX_SCORED, _HOLDER_PER_ROW) live where they
are read, in candidates.py.
"""

from __future__ import annotations

_INITIAL = 0.6  # "K." fits Kate, but also every other K
_NICKNAME = 0.9  # Bob is Robert, most of the time
_INITIAL_WEIGHT = 3.0  # an initial that fits no word says a little that the name is someone else
_NAME_ONLY = 0.9  # a name, even exact, can be a namesake: at most 90 (+4 if the handle agrees)
_HANDLE_SPELLS_NAME = 0.9  # a handle that spells the name (kate + dpowell: David Powell)
_IDENTITY = 96.0  # the author's handle is one the customer uses elsewhere (or their e-mail)
_IDENTITY_NAME_SHAPED = 88.0  # ... but built from their name (kate_l): namesakes hold those
_BELOW_AUTO = 94.0  # what evidence short of a distinctive identifier may reach at most
_CLOSE_HANDLE = 0.8  # one edit from a handle (kreed vs kreed3): below an exact spelling
# A handle that spells the name (apatel61: A. Patel) and is also one edit from one of
# their handles (apatel6): namesakes spell the same, only this one holds the near handle.
# Up to this much, by how near (_spelled_and_close).
_SPELLED_AND_CLOSE = 4.0
_COMPANY = 0.75  # the company's own account: suggest the contact, never link it
# An account on the customer's company domain (kate.harborlabs.se) whose name fits them:
# the name's score plus this, up to what the name's closest word allows (a first name
# alone there is far likelier the customer than every namesake elsewhere) ...
_ON_DOMAIN = 25.0
# ... and with no name shown, a handle that spells their name there: a company's own
# account's score (_COMPANY), which every author with a handle may reach (ceiling()).
_ON_DOMAIN_NAMELESS = _COMPANY * 100
_RARE = 40  # a word held by at most this many customers brings them all in
_KEY_CAP = 50  # an exact handle/name key held by more customers brings in this many
# A handle at least this long that a customer's key begins with (a handle the network
# cut short: X keeps 15 characters, `elizabethsulliv`) brings in up to _CUT_CAP of them.
_CUT_HANDLE = 10
_CUT_CAP = 10
_RESCUE = 12  # from a word held by many, this many closest names when nothing else fits
# ... and this many more that the scorer rates closest by name: those of a full scan's top
# three that hold nothing but the name (see _by_name_score).
_BY_NAME = 3
# A word of the author's handle, not of their name, held by more customers than this
# says nothing of who they are (a shared domain: `scale`, `example`) and reading its
# holders would cost more than the whole match: it is left out.
_COMMON_HANDLE_WORD = 20_000
# A hostile or broken record (a 60,000-letter "name") must cost no more than a real one:
# texts are cut to _MAX_TEXT characters, and only words of these lengths are looked up
# one or two edits away (the lookup grows with the square of a word's length).
_MAX_TEXT = 200
_MAX_HANDLES = 32
_FUZZY_LENGTHS = (4, 24)
# Candidates read and scored at a time, best ceiling first (Matcher._top_scored): small,
# since the first few usually settle the top three.
_SCORE_CHUNK = 8
