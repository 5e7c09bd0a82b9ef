"""What a batch's targets name: keys, names, states, all counties, list files."""

from __future__ import annotations

import pytest

from workbook.data.sources import SAMPLE_DIR
from workbook.run.batch import run_batch
from workbook.run.targets import TargetsError, expand_targets


def test_target_expansion(sample, real, tmp_path):
    recent = sample.table("county_recent")
    counties = sorted(set(recent["state"] + recent["county"]))
    keys = [p.key for p in expand_targets(sample, "all-counties")]
    assert keys == counties
    assert all(len(p.key) == 7 for p in expand_targets(sample, ["all-cities"]))
    state98 = [p.key for p in expand_targets(sample, "state:98")]
    assert state98 and all(k.startswith("98") and len(k) == 5 for k in state98)
    both = [p.key for p in expand_targets(sample, "state:98:all")]
    assert set(both) > set(state98) and any(len(k) == 7 for k in both)
    listing = tmp_path / "keys.txt"
    listing.write_text("# our region\n98031\n\n98001  # the capital\nstate:97\n98031\n")
    listed = [p.key for p in expand_targets(sample, [str(listing), "9808800"])]
    assert listed[:2] == ["98031", "98001"] and listed[-1] == "9808800"
    assert len(listed) == len(set(listed)) == 2 + len(expand_targets(sample, "state:97")) + 1
    table = tmp_path / "keys.csv"
    table.write_text('key\n98031\n"Basin County, Northmere"\n')
    assert len(expand_targets(sample, f"@{table}")) == 2
    # Real data: every county with a row in the latest year (3,144 in these files).
    assert len(expand_targets(real, "all-counties")) == len(real.table("county_recent"))
    california = expand_targets(real, "state:CA")
    assert len(california) == 58 and california == expand_targets(real, "state:06")
    assert all(p.kind == "place" for p in expand_targets(real, "state:06:cities"))


def test_unknown_names_in_a_list_file_are_all_reported_before_any_work(tmp_path, sample):
    listing = tmp_path / "keys.txt"
    listing.write_text("98031\nLindn County\n99999\nstate:55\n")
    out = tmp_path / "out"
    with pytest.raises(TargetsError) as caught:
        run_batch(str(listing), SAMPLE_DIR, out, progress=False)
    lines = [where for where, _, _ in caught.value.unknown]
    assert lines == ["keys.txt line 2", "keys.txt line 3", "keys.txt line 4"]
    assert "Did you mean" in str(caught.value) and not out.exists()
