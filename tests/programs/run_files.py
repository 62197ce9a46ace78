"""Small watch files for the run tests, made here: a tiny FIT writer (the FIT SDK's layout:
header, definition and data messages, CRCs) and TCX and GPX as XML text."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

from fitdecode.utils import compute_crc

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)

# (field number, size, base type code, struct format)
UINT8, UINT16, UINT32, ENUM = (1, 0x02, "B"), (2, 0x84, "H"), (4, 0x86, "I"), (1, 0x00, "B")


def _fit_time(moment: datetime) -> int:
    return int((moment - FIT_EPOCH).total_seconds())


class FitWriter:
    """Writes a FIT activity message by message (little-endian, one local type per message)."""

    def __init__(self):
        self.body = bytearray()
        self.local = 0

    def message(self, global_number: int, fields: list[tuple[int, tuple, int]]):
        """fields: (field number, type, raw value)."""
        local = self.local % 16
        self.local += 1
        self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, global_number, len(fields))
        for number, (size, base, _fmt), _value in fields:
            self.body += struct.pack("<BBB", number, size, base)
        self.body += struct.pack("<B", local)
        for _number, (_size, _base, fmt), value in fields:
            self.body += struct.pack("<" + fmt, value)

    def bytes(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.body), b".FIT")
        header += struct.pack("<H", compute_crc(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", compute_crc(data))


def fit_run(
    *,
    start: datetime,
    distance_m: float = 10_000,
    duration_s: int = 3000,
    cadence_per_leg: int | None = 85,
    ascent_m: int | None = 42,
    with_session: bool = True,
    records: int = 5,
) -> bytes:
    writer = FitWriter()
    writer.message(0, [(0, ENUM, 4), (1, UINT16, 1), (4, UINT32, _fit_time(start))])
    for n in range(records):
        moment = start + timedelta(seconds=duration_s * n / max(records - 1, 1))
        fields = [
            (253, UINT32, _fit_time(moment)),
            (5, UINT32, round(distance_m * 100 * n / max(records - 1, 1))),
            (2, UINT16, round((100 + (n % 2) * 4 + 500) * 5)),  # altitude 100 / 104 m
        ]
        if cadence_per_leg is not None:
            fields.append((4, UINT8, cadence_per_leg))
        writer.message(20, fields)
    if with_session:
        fields = [
            (253, UINT32, _fit_time(start + timedelta(seconds=duration_s))),
            (2, UINT32, _fit_time(start)),
            (5, ENUM, 1),  # running
            (7, UINT32, duration_s * 1000 + 60_000),  # elapsed: a minute of pauses more
            (8, UINT32, duration_s * 1000),
            (9, UINT32, round(distance_m * 100)),
        ]
        if cadence_per_leg is not None:
            fields.append((18, UINT8, cadence_per_leg))
        if ascent_m is not None:
            fields.append((22, UINT16, ascent_m))
        writer.message(18, fields)
    return writer.bytes()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tcx_run(
    *,
    start: datetime,
    distance_m: float = 5000,
    duration_s: int = 1500,
    cadence_per_leg: int | None = 88,
    points: int = 4,
) -> bytes:
    trackpoints = []
    for n in range(points):
        moment = start + timedelta(seconds=duration_s * n / (points - 1))
        cadence = (
            f"<Extensions><ns3:TPX><ns3:RunCadence>{cadence_per_leg}</ns3:RunCadence>"
            "</ns3:TPX></Extensions>"
            if cadence_per_leg is not None
            else ""
        )
        trackpoints.append(
            f"<Trackpoint><Time>{_iso(moment)}</Time>"
            f"<Position><LatitudeDegrees>40.0</LatitudeDegrees>"
            f"<LongitudeDegrees>-73.{n}</LongitudeDegrees></Position>"
            f"<AltitudeMeters>{10 + n * 3}</AltitudeMeters>"
            f"<DistanceMeters>{distance_m * n / (points - 1):.1f}</DistanceMeters>{cadence}"
            "</Trackpoint>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/'
        'TrainingCenterDatabase/v2" xmlns:ns3="http://www.garmin.com/xmlschemas/'
        'ActivityExtension/v2"><Activities><Activity Sport="Running">'
        f'<Id>{_iso(start)}</Id><Lap StartTime="{_iso(start)}">'
        f"<TotalTimeSeconds>{duration_s}</TotalTimeSeconds>"
        f"<DistanceMeters>{distance_m}</DistanceMeters>"
        f"<Track>{''.join(trackpoints)}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()


def gpx_run(
    *,
    start: datetime,
    points: int = 11,
    step_s: int = 60,
    step_deg: float = 0.002,  # about 222 m north each step: about 13 km/h
    cadence_per_leg: int | None = 86,
    with_times: bool = True,
) -> bytes:
    rows = []
    for n in range(points):
        moment = start + timedelta(seconds=step_s * n)
        when = f"<time>{_iso(moment)}</time>" if with_times else ""
        cadence = (
            "<extensions><gpxtpx:TrackPointExtension>"
            f"<gpxtpx:cad>{cadence_per_leg}</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>"
            if cadence_per_leg is not None
            else ""
        )
        rows.append(
            f'<trkpt lat="{40 + step_deg * n:.6f}" lon="-73.9"><ele>{20 + (n % 3) * 2}</ele>'
            f"{when}{cadence}</trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><name>Easy run</name><trkseg>{''.join(rows)}</trkseg></trk></gpx>"
    ).encode()
