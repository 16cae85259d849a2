"""docs/protocol.md names every message type and error code the code knows."""

from __future__ import annotations

from pathlib import Path

from rooms import protocol

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()


def test_every_type_and_code_is_documented() -> None:
    names = (
        *protocol.COMMAND_TYPES,
        *protocol.EVENT_TYPES,
        *protocol.SERVER_MESSAGE_TYPES,
        *protocol.ERROR_CODES,
    )
    missing = [name for name in names if f"`{name}`" not in DOC]
    assert missing == []


def test_every_close_code_is_in_the_close_code_table() -> None:
    rows = {
        (int(cells[1]), cells[2].strip("`"))
        for line in DOC.splitlines()
        if line.startswith("| ") and (cells := [c.strip() for c in line.split("|")])[1].isdigit()
    }
    assert rows == {(code.value, code.name.lower()) for code in protocol.CloseCode}


def test_every_client_frame_type_is_listed_in_command_types() -> None:
    tags = {cls.__struct_config__.tag for cls in protocol.ClientFrame.__args__}
    assert tags == set(protocol.COMMAND_TYPES)
