"""The command grammar: IDs first, then the reason; every mistake is a clear message."""

from __future__ import annotations

import pytest

from bot.domain.commands import Cancel, CommandError, Help, OpenForm, Pending, Status, looks_like_job_id, parse
from tests.conftest import job


def test_forms():
    assert parse("") == OpenForm() and parse("   ") == OpenForm()
    assert parse("help") == Help() and parse("HELP me") == Help()
    assert parse(f"status {job(1)}") == Status((job(1),))
    assert parse(f"status {job(1)}, {job(2)} {job(1)}") == Status((job(1), job(2)))
    assert parse("pending") == Pending()
    assert parse(f"{job(1)} stream shows violence") == Cancel((job(1),), "stream shows violence")


def test_ids_by_spaces_and_commas_duplicates_once_reason_words_kept():
    text = f"{job(1)}, {job(2)},{job(1)}  {job(3, 'va')} duplicates of stream, reported twice"
    assert parse(text) == Cancel((job(1), job(2), job(3, "va")), "duplicates of stream, reported twice")


@pytest.mark.parametrize("word", ["duplicates", "stream", "available", "avid", "vacant", "deadbeef", "a/b", "50%"])
def test_ordinary_words_are_reason_not_ids(word):
    assert not looks_like_job_id(word)
    assert parse(f"{job(1)} {word} x").reason == f"{word} x"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("spam stream", "is not a job ID"),
        (job(1), "reason is required"),
        (f"{job(1)} av123456789 typo", "not a valid job ID"),
        (f"{job(1)} {job(2)}x reason", "not a valid job ID"),
        ("../../etc/passwd reason", "is not a job ID"),
        (f"{job(1)} ../{job(2)} reason", "not a valid job ID"),
        (f"av%2F{job(2)[2:]} reason", "not a valid job ID"),
        (f"{job(1)}?x reason", "not a valid job ID"),
        (f"{job(1)}#x reason", "not a valid job ID"),
        ("\u0430v" + "0" * 32 + " reason", "not a valid job ID"),
        ("av" + "\uff10" * 32 + " reason", "not a valid job ID"),
        ("AV" + "0" * 32 + " reason", "not a valid job ID"),
        ("av" + "0" * 300 + " reason", "not a valid job ID"),
        ("status", "1 to 20 job IDs"),
        ("status " + " ".join(job(n) for n in range(21)), "at most 20"),
        (f"status {job(1)} av12", "not a valid job ID"),
        ("pending mine", "nothing after it"),
        ("status ../x", "not a valid job ID"),
        (f"{job(1)} " + "x" * 501, "keep it under 500"),
    ],
)
def test_mistakes_are_refused_with_a_message(text, fragment):
    with pytest.raises(CommandError, match=fragment.replace("?", r"\?")):
        parse(text)


def test_at_most_100_unique_ids():
    ids = [job(n) for n in range(101)]
    with pytest.raises(CommandError, match="at most 100"):
        parse(" ".join(ids) + " reason")
    assert len(parse(" ".join(ids[:100] + ids[:50]) + " reason").job_ids) == 100


def test_bad_word_is_echoed_safely():
    with pytest.raises(CommandError) as err:
        parse("<!channel>`x` reason")
    assert "<!channel>" not in str(err.value)
