"""The morning reconcile: read every input, run the three checks, freeze the result.

`reconcile()` reads and checks; it writes nothing. Bad input raises InputError with
every problem found across all files, before any report or ledger event exists.
`record_run()` appends the run to the ledger once its reports are written.
"""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc

from reconcile.checks import FINDING_COLUMNS
from reconcile.checks.mismatch import listing_mismatches, orders_not_in_shopify
from reconcile.checks.negative import negative_stock
from reconcile.checks.projection import Inputs, held_holds, mark_counted, project
from reconcile.checks.stale import stale_holds, stale_orders
from reconcile.config import Settings
from reconcile.errors import ConfigError, InputError, InputProblem
from reconcile.frames import isin, lookup
from reconcile.ledger import Ledger
from reconcile.model import KINDS, SEVERITY_RANK, Finding, RunResult, SourceInfo
from reconcile.normalise import normalise, settings_skus
from reconcile.sources import ReadContext, ReadResult, expand_paths, read_file
from reconcile.sources.common import LISTING_DTYPES, ORDER_DTYPES, concat_or_empty

MAX_EXAMPLES = 5
# Clocks drift; an export a few minutes 'ahead' of the run is normal.
FUTURE_TOLERANCE_HOURS = 0.25


@dataclass(frozen=True)
class RunRequest:
    paths: tuple[Path, ...]
    settings: Settings
    as_of: datetime
    snapshot_time: datetime | None
    ledger_path: Path
    demo: bool = False


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def reconcile(request: RunRequest, run_id: str) -> RunResult:
    request = replace(request, settings=settings_skus(request.settings))
    reads, warnings = _read_all(request)
    inputs = _inputs(reads, request)
    _refuse_inconsistent(reads, inputs, request.settings)

    lines = mark_counted(inputs, request.settings)
    per_sku = project(inputs, lines, request.settings)
    findings = _run_checks(inputs, lines, per_sku, request.settings)
    findings = _with_status(findings, Ledger(request.ledger_path), request.as_of)

    warnings += _demand_warnings(lines, per_sku)
    warnings += _settings_warnings(inputs, per_sku, request.settings)
    return RunResult(
        run_id=run_id,
        as_of=request.as_of,
        snapshot_time=request.snapshot_time,
        fail_on=request.settings.fail_on,
        sources=tuple(_source_info(path, read, request) for path, read in reads),
        findings=findings,
        warnings=tuple(warnings),
        channel_summary=_channel_summary(reads, lines),
        demo=request.demo,
    )


def _file_as_of(path: Path, request: RunRequest) -> datetime:
    if request.snapshot_time is not None:
        return request.snapshot_time
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _read_all(
    request: RunRequest,
) -> tuple[list[tuple[Path, ReadResult]], list[InputProblem]]:
    files, errors = expand_paths(request.paths)
    reads: list[tuple[Path, ReadResult]] = []
    warnings: list[InputProblem] = []
    for path in files:
        ctx = ReadContext(request.settings.timezone, _file_as_of(path, request))
        result = read_file(path, ctx)
        if not isinstance(result, list):
            result.fingerprint = _HASHER.submit(fingerprint, path)
        if isinstance(result, list):
            errors.extend(result)
            continue
        errors.extend(result.problems.errors)
        warnings.extend(result.problems.warnings)
        reads.append((path, result))

    if not errors and not any(r.layout.table == "stock" for _, r in reads):
        errors.append(
            InputProblem(
                ", ".join(str(p) for p in request.paths) or "(no input)",
                "no Shopify inventory export among the inputs; add inventory_export_1.csv "
                "(Products > Inventory > Export, all quantity types)",
            )
        )
    if errors:
        raise InputError(errors)
    warnings.extend(_stale_inputs(reads, request))
    return reads, warnings


def _stale_inputs(
    reads: list[tuple[Path, ReadResult]], request: RunRequest
) -> list[InputProblem]:
    limit = request.settings.stale_input_hours
    stale = []
    for path, _ in reads:
        age = (request.as_of - _file_as_of(path, request)).total_seconds() / 3600
        if age > limit:
            stale.append(
                InputProblem(
                    path.name,
                    f"was taken {age:.0f} hours before the run clock (limit {limit}); "
                    "download a fresh export or give --snapshot-time",
                )
            )
        elif age < -FUTURE_TOLERANCE_HOURS:
            stale.append(
                InputProblem(
                    path.name,
                    f"is dated {-age:.1f} hours after the run clock; check --as-of "
                    "and --snapshot-time (orders may look younger than they are)",
                )
            )
    return stale


def _refuse_inconsistent(
    reads: list[tuple[Path, ReadResult]], inputs: Inputs, settings: Settings
) -> None:
    """Stop before any check when the inputs contradict each other or the config."""
    problems = [
        InputProblem(path.name, "has a header but no rows; export it again")
        for path, read in reads
        if read.layout.table == "stock" and read.rows == 0
    ]
    problems += duplicated_across_files(inputs.stock, ["sku", "location"])
    compared = inputs.listings.loc[inputs.listings["compared"]]
    problems += duplicated_across_files(compared, ["channel", "sku"])
    problems += _overlapping_orders(reads)
    if settings.sku_case != "keep":
        problems += _case_collisions(inputs.stock, settings.sku_case)
    if problems:
        raise InputError(problems)
    _refuse_unknown_locations(inputs.stock, settings)


def duplicated_across_files(frame: pd.DataFrame, key: list[str]) -> list[InputProblem]:
    """Rows whose key appears in another file too: the same export given twice, or
    two overlapping downloads, would count the same stock or order twice."""
    if frame.empty or frame["file"].nunique() < 2:
        return []
    firsts = frame.drop_duplicates([*key, "file"])
    shared = firsts.loc[firsts.duplicated(key, keep=False)]
    files = sorted(shared["file"].astype("str").unique())
    problems = []
    for file in files:
        mine = shared.loc[shared["file"].astype("str") == file]
        first = mine.iloc[0]
        others = [f for f in files if f != file]
        problems.append(
            InputProblem(
                file,
                f"{len(mine)} row(s) also appear in {', '.join(others)} (first: "
                f"{' '.join(str(first[k]) for k in key)}); give one export of each "
                "kind, the newest",
                row=int(first["row"]),
            )
        )
    return problems


def _case_collisions(stock: pd.DataFrame, rule: str) -> list[InputProblem]:
    """Two variants whose SKUs differ only in case would be added together."""
    twice = stock.loc[stock.duplicated(["sku", "location"], keep=False)]
    return [
        InputProblem(
            str(file),
            f"SKU {sku!r} at {location!r} appears more than once under [sku] case = "
            f"{rule!r}; these variants differ only in case: give them distinct SKUs "
            'or use case = "keep"',
            row=int(row),
            column="SKU",
        )
        for file, row, sku, location in twice[["file", "row", "sku", "location"]]
        .head(20)
        .itertuples(index=False)
    ]


def _overlapping_orders(reads: list[tuple[Path, ReadResult]]) -> list[InputProblem]:
    """Two orders exports of one channel that share an order: yesterday's beside
    today's would count an order shipped since as still open."""
    problems = []
    orders = [(p, r, r.order_ids) for p, r in reads if r.order_ids is not None]
    for index, (path, read, ids) in enumerate(orders):
        for other_path, other, other_ids in orders[index + 1 :]:
            if other.layout.channel != read.layout.channel:
                continue
            shared = ids.filter(pc.is_in(ids, value_set=other_ids))
            if len(shared):
                problems.append(
                    InputProblem(
                        f"{path.name} and {other_path.name}",
                        f"{len(shared)} order(s) appear in both (first: {shared[0]}); "
                        "give one orders export per channel, the newest",
                    )
                )
    return problems


def _refuse_unknown_locations(stock: pd.DataFrame, settings: Settings) -> None:
    if settings.sellable_locations is None:
        return
    present = set(stock["location"].unique())
    unknown = [name for name in settings.sellable_locations if name not in present]
    if unknown:
        raise ConfigError(
            f"{settings.source}: [shop] sellable_locations names "
            f"{', '.join(repr(u) for u in unknown)}, which no inventory export has; "
            f"the exports have: {', '.join(sorted(present))}"
        )


def _frames(reads: list[tuple[Path, ReadResult]], table: str) -> list[pd.DataFrame]:
    return [r.frame for _, r in reads if r.layout.table == table]


def _inputs(reads: list[tuple[Path, ReadResult]], request: RunRequest) -> Inputs:
    settings = request.settings
    stock = normalise(
        pd.concat(_frames(reads, "stock"), ignore_index=True).assign(channel="shopify"),
        settings,
    )
    listings = concat_or_empty(_frames(reads, "listings"), LISTING_DTYPES)
    listings = normalise(listings.assign(channel_sku=listings["sku"]), settings)
    lines = concat_or_empty(_frames(reads, "order_lines"), ORDER_DTYPES)
    lines = normalise(lines, settings)
    shopify = lines.loc[lines["channel"] == "shopify"].reset_index(drop=True)
    marketplace = lines.loc[lines["channel"] != "shopify"].reset_index(drop=True)
    ledger = Ledger(request.ledger_path)
    return Inputs(
        stock=stock,
        listings=listings,
        marketplace=marketplace,
        shopify=shopify,
        holds=normalise(_holds(ledger), settings),
        corrections=normalise(_corrections(ledger), settings),
        snapshot_time=_snapshot_time(reads, "stock", request),
        shopify_orders_as_of=_orders_as_of(reads, request),
        as_of=request.as_of,
    )


def _snapshot_time(
    reads: list[tuple[Path, ReadResult]], table: str, request: RunRequest
) -> datetime:
    times = [_file_as_of(path, request) for path, r in reads if r.layout.table == table]
    return min(times)


def _orders_as_of(
    reads: list[tuple[Path, ReadResult]], request: RunRequest
) -> datetime | None:
    times = [
        _file_as_of(p, request) for p, r in reads if r.layout.name == "shopify_orders"
    ]
    return min(times) if times else None


def _holds(ledger: Ledger) -> pd.DataFrame:
    columns = [
        "hold_id",
        "sku",
        "qty",
        "location",
        "order",
        "created_at",
        "expires_at",
        "channel",
    ]
    active = [r for r in ledger.reservations() if r.state == "active"]
    frame = pd.DataFrame(
        [
            (
                r.hold_id,
                r.sku,
                r.qty,
                r.location,
                r.order,
                r.created_at,
                r.expires_at,
                "shopify",
            )
            for r in active
        ],
        columns=columns,
    )
    for column in ("created_at", "expires_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame.astype({"sku": "str", "hold_id": "str", "qty": "int64"})


def _corrections(ledger: Ledger) -> pd.DataFrame:
    rows = [
        (c["sku"], int(c.get("delta") or 0), c.get("effective_at") or c.get("at"))
        for c in ledger.corrections()
        if c.get("sku")
    ]
    frame = pd.DataFrame(rows, columns=["sku", "delta", "effective_at"])
    frame["effective_at"] = pd.to_datetime(frame["effective_at"], utc=True)
    return frame.assign(channel="shopify").astype({"sku": "str", "delta": "int64"})


def _run_checks(
    inputs: Inputs, lines: pd.DataFrame, per_sku: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    frames = [
        negative_stock(
            per_sku, inputs.stock, lines, held_holds(inputs, lines), settings
        ),
        listing_mismatches(per_sku, inputs.listings, settings),
        orders_not_in_shopify(lines, settings, inputs.shopify_orders_as_of),
        stale_holds(inputs.holds, inputs.shopify, inputs.as_of),
        stale_orders(inputs.shopify, settings, inputs.as_of),
    ]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=list(FINDING_COLUMNS))
    findings = pd.concat(frames, ignore_index=True)

    # The product's own title from Shopify's inventory, wherever the SKU has one.
    catalogue = lookup(findings["sku"].fillna("").astype("str"), per_sku["title"])
    findings["title"] = catalogue.where(catalogue.notna(), findings["title"])
    return findings


def _with_status(
    findings: pd.DataFrame, ledger: Ledger, as_of: datetime
) -> tuple[Finding, ...]:
    """Frozen findings, worst first, marked known where the ledger already covers them."""
    covered = _covered_keys(ledger, as_of)
    findings = findings.assign(
        rank=findings["severity"].map(SEVERITY_RANK),
        units=findings["difference"].abs(),
        kind_rank=findings["kind"].map({k: i for i, k in enumerate(KINDS)}),
    ).sort_values(
        ["rank", "units", "kind_rank", "key"], ascending=[True, False, True, True]
    )
    result = []
    for row in findings.itertuples(index=False):
        units = abs(int(row.difference))
        known = row.key in covered and units <= covered[row.key]
        result.append(
            Finding(
                kind=row.kind,
                severity=row.severity,
                key=row.key,
                sku=_text(row.sku),
                title=_text(row.title),
                location=_text(row.location),
                channel=_text(row.channel),
                expected=int(row.expected),
                actual=int(row.actual),
                difference=int(row.difference),
                action=row.action,
                status="known" if known else "new",
                detail=row.detail,
                sources=tuple(row.sources),
            )
        )
    return tuple(result)


def _text(value: object) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    return str(value)


def _covered_keys(ledger: Ledger, as_of: datetime) -> dict[str, int]:
    """Finding keys the ledger covers, with the most units each correction or ack covered."""
    covered: dict[str, int] = {}
    for correction in ledger.corrections():
        units = correction.get("shortfall", abs(int(correction.get("delta") or 0)))
        key = correction.get("finding_key")
        if key:
            covered[key] = max(covered.get(key, 0), int(units))
    for ack in ledger.acknowledgements():
        until = ack.get("until")
        if until and pd.Timestamp(until) < pd.Timestamp(as_of):
            continue
        key = ack.get("finding_key")
        if key:
            covered[key] = max(covered.get(key, 0), int(ack.get("shortfall") or 0))
    return covered


def _demand_warnings(lines: pd.DataFrame, per_sku: pd.DataFrame) -> list[InputProblem]:
    demand = lines.loc[
        lines["is_open"] & lines["ships_from_shopify"] & lines["pending"]
    ]
    warnings = []
    no_sku = demand.loc[demand["sku"] == ""]
    for file, rows in no_sku.groupby("file")["row"]:
        warnings.append(
            InputProblem(
                str(file),
                f"{len(rows)} open order line(s) have no SKU (rows "
                f"{', '.join(str(r) for r in rows.iloc[:MAX_EXAMPLES])}); they cannot be matched. "
                "Set the SKU on the listing.",
            )
        )
    unmatched = demand.loc[(demand["sku"] != "") & ~isin(demand["sku"], per_sku.index)]
    for file, part in unmatched.groupby("file"):
        skus = part["sku"].drop_duplicates()
        warnings.append(
            InputProblem(
                str(file),
                f"{len(skus)} SKU(s) on open orders match nothing in Shopify "
                f"({', '.join(skus.iloc[:MAX_EXAMPLES])}); map them under "
                "[channels.<name>.sku_aliases] in reconcile.toml",
            )
        )
    return warnings


def _settings_warnings(
    inputs: Inputs, per_sku: pd.DataFrame, settings: Settings
) -> list[InputProblem]:
    """Settings and ledger entries that name things the exports do not have."""
    where = str(settings.source or "reconcile.toml")
    warnings = [
        InputProblem(where, f"pre-order SKU {sku!r} is in no inventory export")
        for sku in settings.preorder_skus
        if sku not in per_sku.index
    ]
    unknown = inputs.holds.loc[~isin(inputs.holds["sku"], per_sku.index)]
    warnings += [
        InputProblem(
            "ledger",
            f"hold {hold} is for SKU {sku!r}, which no inventory "
            "export has; release it if it is a typo",
        )
        for hold, sku in zip(unknown["hold_id"], unknown["sku"], strict=True)
    ]
    importing = sorted(
        {
            c
            for c in inputs.marketplace["channel"].unique()
            if settings.channel(c).sync == "import"
        }
    )
    if importing and inputs.shopify_orders_as_of is None:
        warnings.append(
            InputProblem(
                where,
                f"{', '.join(importing)} sync by import, but no Shopify orders export was "
                "given: orders missing from Shopify cannot be found; add orders_export_1.csv",
            )
        )
    return warnings


def _source_info(path: Path, read: ReadResult, request: RunRequest) -> SourceInfo:
    as_of = _file_as_of(path, request)
    return SourceInfo(
        sha256=read.fingerprint.result() if read.fingerprint else fingerprint(path),
        path=path.name,
        layout=read.layout.name,
        label=read.layout.label,
        rows=read.rows,
        as_of=as_of,
        age_hours=round((request.as_of - as_of).total_seconds() / 3600, 1),
    )


def _channel_summary(
    reads: list[tuple[Path, ReadResult]], lines: pd.DataFrame
) -> dict[str, dict[str, int]]:
    summary: dict[str, dict[str, int]] = {}
    for _, read in reads:
        channel = summary.setdefault(read.layout.channel, {})
        for name, count in read.summary.items():
            channel[name] = channel.get(name, 0) + count
    for channel, part in lines.groupby("channel"):
        counts = summary.setdefault(str(channel), {})
        counts["pending_lines"] = int(part["pending"].sum())
        counts["pending_units"] = int(part.loc[part["pending"], "open_qty"].sum())
        counts["open_lines_already_in_shopify"] = int(
            (part["is_open"] & part["in_shopify"]).sum()
        )
    return summary


# Inputs are hashed for the ledger's run event on a thread of their own: hashing
# releases the GIL, so it fills the time pandas keeps one core busy.
_HASHER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reconcile-hash")


def fingerprint(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def record_run(
    ledger_path: Path,
    result: RunResult,
    paths: tuple[Path, ...],
    started: datetime,
    finished: datetime,
) -> None:
    files, _ = expand_paths(paths)
    by_name = {source.path: source for source in result.sources}
    inputs = [
        {
            "path": str(path),
            "layout": by_name[path.name].layout if path.name in by_name else None,
            "rows": by_name[path.name].rows if path.name in by_name else None,
            "sha256": by_name[path.name].sha256
            if path.name in by_name
            else fingerprint(path),
        }
        for path in files
    ]
    counts = {
        f"{k}:{s}": v for (k, s), v in result.counts().items() if v["new"] or v["known"]
    }
    Ledger(ledger_path).record_run(
        run_id=result.run_id,
        started=started,
        finished=finished,
        counts=counts,
        inputs=inputs,
        exit_code=result.exit_code,
    )
