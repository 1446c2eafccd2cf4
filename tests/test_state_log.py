"""The snapshot-and-log store of the incremental state (generator/state_log.py)."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from generator.state_log import LOG_SUFFIX, Part, read_part, update_part, write_part

keys = st.one_of(st.text(max_size=6), st.tuples(st.text(max_size=3), st.integers(0, 5)))
values = st.one_of(st.none(), st.integers(), st.text(max_size=10), st.tuples(st.text(max_size=4), st.integers()))
tables = st.dictionaries(st.sampled_from(["pages", "files"]), st.dictionaries(keys, values, max_size=12), max_size=2)
parts = st.builds(Part, st.one_of(st.none(), st.text(max_size=5)), tables)


@settings(max_examples=60, deadline=None)
@given(st.lists(parts, min_size=1, max_size=8))
def test_each_write_reads_back_whole_whether_appended_or_written_anew(tmp_path_factory, states):
    path = tmp_path_factory.mktemp("log") / "part.marshal"
    previous = None
    for part in states:
        write_part(path, part, previous)
        read = read_part(path)
        assert read.header == part.header
        assert _filled(read.tables) == _filled(part.tables), "an empty table reads as none"
        previous = read


def _filled(tables: dict) -> dict:
    return {name: table for name, table in tables.items() if table}


def test_a_damaged_or_cut_log_gives_the_part_as_an_earlier_build_left_it(tmp_path):
    path = tmp_path / "part.marshal"
    first = Part("h", {"pages": {("a", 1): "x" * 1000, ("b", 2): "y" * 1000}})
    write_part(path, first, None)
    second = Part("h", {"pages": {("a", 1): "x2", ("b", 2): "y" * 1000}})
    write_part(path, second, first)
    third = Part("h", {"pages": {("b", 2): "y" * 1000, ("c", 3): None}})
    write_part(path, third, second)
    log = path.with_name(path.name + LOG_SUFFIX)
    whole = log.read_bytes()
    assert len(whole) < path.stat().st_size / 4, "two small changes were appended, not written whole"
    assert read_part(path) == third
    log.write_bytes(whole[:10] + b"\0" + whole[11:])  # the first record damaged: none after it is applied
    assert read_part(path) == first
    log.write_bytes(whole[:-3])  # a build killed while appending
    assert read_part(path) == second
    write_part(path, third, second)  # the next build starts from what it read
    assert read_part(path) == third, "a damaged tail is not appended to: the part is written whole"


def test_a_big_log_is_folded_into_a_new_snapshot_and_the_old_log_never_applies_to_it(tmp_path):
    path = tmp_path / "part.marshal"
    log = path.with_name(path.name + LOG_SUFFIX)
    part = Part(None, {"records": {str(i): "v" * 20 for i in range(100)}})
    write_part(path, part, None)
    sizes = []
    for round_ in range(30):
        changed = {str(i): f"{round_}" * 20 for i in range(10)}
        records = {**part.tables["records"], **changed}
        records.pop(str(99 - round_), None)
        part = Part(None, {"records": records})
        logged = log.stat().st_size if log.exists() else 0
        update_part(path, None, {"records": (changed, [str(99 - round_)])}, lambda: part)
        assert read_part(path) == part
        sizes.append((logged, log.stat().st_size if log.exists() else 0))
    assert any(before > 0 and after == 0 for before, after in sizes), "the log was folded in along the way"
    assert all(after <= 0.25 * path.stat().st_size + 400 for _, after in sizes)
    update_part(path, None, {"records": ({"0": "last"}, [])}, lambda: part)
    stale = log.read_bytes()
    write_part(path, part, None)  # a new generation
    log.write_bytes(stale)
    assert read_part(path) == part, "records of an older generation are not applied"


def test_a_missing_or_unreadable_snapshot_reads_as_nothing_and_changes_to_it_are_written_whole(tmp_path):
    path = tmp_path / "part.marshal"
    assert read_part(path) is None
    part = Part(None, {"records": {"a": 1}})
    update_part(path, None, {"records": ({"a": 1}, [])}, lambda: part)  # the index was deleted meanwhile
    assert read_part(path) == part
    path.write_bytes(b"\xfa not marshal data at all")
    assert read_part(path) is None
