"""pjcompress's `zip` method: a PyTorch-style zip checkpoint's single <prefix>/data.pkl."""
import io
import os
import sys
import zipfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import pjcompress  # noqa: E402

PICKLE = b"\x80\x02N."


def kind(data, cap=pjcompress.CAP):
    try:
        pjcompress.decompress(data, cap)
    except pjcompress.Error as e:
        return e.kind
    return None


def test_the_data_pkl_member_is_the_content():
    data = pjcompress.zip_archive([("archive/data.pkl", PICKLE), ("archive/version", b"3\n")])
    assert pjcompress.detect(data) == "zip"
    assert pjcompress.decompress(data) == PICKLE
    assert pjcompress.head(data, 2) == PICKLE[:2]
    # the writer is deterministic
    assert data == pjcompress.zip_archive([("archive/data.pkl", PICKLE),
                                           ("archive/version", b"3\n")])


@pytest.mark.parametrize("members", [
    [("archive/version", b"3\n")],                                  # no data.pkl
    [("data.pkl", PICKLE)],                                         # not <prefix>/data.pkl
    [("a/b/data.pkl", PICKLE)],
    [("a/data.pkl", PICKLE), ("b/data.pkl", PICKLE)],               # several
    [("archive/data.pkl", PICKLE), ("../evil", b"")],               # escapes the archive
    [("archive/data.pkl", PICKLE), ("/etc/evil", b"")],
    [("archive/data.pkl", PICKLE), ("C:evil", b"")],
    [("../data.pkl", PICKLE)],
])
def test_anything_but_one_data_pkl_inside_the_archive_is_bad_compression(members):
    assert kind(pjcompress.zip_archive(members)) == "bad-compression"


def test_corrupt_and_truncated_archives_are_bad_compression():
    data = pjcompress.zip_archive([("archive/data.pkl", PICKLE)])
    assert kind(data[:-5]) == "bad-compression"
    assert kind(pjcompress.flip(data, 30 + len("archive/data.pkl"), 0xff)) == "bad-compression"


def test_a_deflated_bomb_member_is_limit_exceeded():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("archive/data.pkl", (1980, 1, 1, 0, 0, 0)),
                   b"\x00" * (4 << 20), zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    assert len(data) < 16 << 10
    assert kind(data, cap=1 << 20) == "limit-exceeded"
    assert len(pjcompress.decompress(data, cap=8 << 20)) == 4 << 20
