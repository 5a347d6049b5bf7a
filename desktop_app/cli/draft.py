"""``kanal draft new|list|show``: write and read drafts offline, with each target's length check."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from desktop_app.cli.context import CliContext, CliError
from desktop_app.cli.output import one_line
from desktop_app.cli.schedule import schedule_option
from desktop_app.cli.validate import check_regular_file, search_words, whole_number
from desktop_app.domain.accounts import Account
from desktop_app.domain.drafts import AttachmentRejected, Draft, DraftNotFound, DraftState
from desktop_app.domain.networks import Network, parse_network
from desktop_app.store.errors import UnknownAccount

ALL_ACCOUNTS = "all"


class _ImageAction(argparse.Action):
    """``--image PATH`` starts a new image; a following ``--alt`` describes it."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        images: list[list[str]] = list(getattr(namespace, self.dest) or [])
        images.append([str(values), ""])
        setattr(namespace, self.dest, images)


class _AltAction(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        images: list[list[str]] = list(getattr(namespace, "images", None) or [])
        if not images:
            parser.error("--alt describes the image given just before it; put --image PATH first")
        if images[-1][1]:
            parser.error(f"the image {images[-1][0]} already has an --alt text")
        images[-1][1] = str(values)
        namespace.images = images


def register(sub: argparse._SubParsersAction[Any]) -> None:
    draft = sub.add_parser("draft", help="write, list and show drafts (works offline)")
    actions = draft.add_subparsers(dest="draft_command", metavar="ACTION", required=True)

    new = actions.add_parser("new", help="create a draft and show each target's length check")
    new.add_argument("--text", required=True, help="the post's text (the body)")
    new.add_argument("--title", default="", help="title, used by blog (WordPress) targets")
    new.add_argument(
        "--to",
        action="append",
        default=[],
        metavar="ACCOUNT_ID|all",
        help="target account id, or 'all' for every connected account; repeatable",
    )
    new.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NETWORK=TEXT",
        help="a text customised for one network, e.g. x='Short version'; repeatable",
    )
    new.add_argument(
        "--image", dest="images", action=_ImageAction, metavar="PATH", help="attach an image"
    )
    new.add_argument(
        "--alt", action=_AltAction, metavar="TEXT", help="alt text of the preceding --image"
    )
    new.add_argument(
        "--schedule",
        metavar="DATETIME",
        help="when to publish, ISO 8601 (e.g. 2026-12-01T07:30): Swedish local time unless an "
        "offset is given (+01:00/+02:00 chooses in the hour the clocks go back); must be ahead",
    )
    new.add_argument("--author", help="who wrote it (default: your user name)")
    new.add_argument("--json", action="store_true", help="machine-readable output")
    new.set_defaults(func=_new, images=[])

    listing = actions.add_parser("list", help="list drafts, most recently edited first")
    listing.add_argument(
        "--search", type=search_words(), help="only drafts whose title or body has all these words"
    )
    listing.add_argument(
        "--state", choices=[s.value for s in DraftState], help="only drafts in this state"
    )
    listing.add_argument("--trashed", action="store_true", help="include drafts in the trash")
    listing.add_argument(
        "--limit", type=whole_number("--limit"), default=100, help="at most this many (default 100)"
    )
    listing.add_argument(
        "--offset", type=whole_number("--offset"), default=0, help="skip this many first"
    )
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    listing.set_defaults(func=_list)

    show = actions.add_parser("show", help="show one draft with its length checks")
    show.add_argument("id", metavar="ID", help="the draft's id")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(func=_show)

    # The team's review flow: submit, approve, reject (cli/review.py).
    from desktop_app.cli.review import register_actions

    register_actions(actions)


# -- commands ----------------------------------------------------------------------------------


def _new(args: argparse.Namespace, ctx: CliContext) -> int:
    variants = _parse_variants(args.variant)
    scheduled_at = schedule_option(args.schedule)
    author = args.author if args.author is not None else ctx.actor
    images: list[list[str]] = args.images or []
    for path, _alt in images:
        check_regular_file("--image", Path(path).expanduser())
    store = ctx.store()
    try:
        # One transaction: if an image is refused, no half-made draft is left behind.
        with store.unit_of_work() as uow:
            accounts = {a.id: a for a in uow.accounts.list()}
            targets = _resolve_targets(args.to, accounts)
            draft = uow.drafts.create(
                body=args.text,
                title=args.title,
                targets=targets,
                variants=variants,
                scheduled_at=scheduled_at,
                author=author,
                actor=ctx.actor,  # who ran the command, whoever is named as author
            )
            for path, alt_text in images:
                uow.attachments.add(draft.id, Path(path).expanduser(), alt_text)
            draft = uow.drafts.require(draft.id)
    except AttachmentRejected as error:
        raise CliError(f"{error} No draft was created.") from None
    except UnknownAccount as error:
        raise CliError(f"{error}; see `kanal accounts list`") from None
    except ValueError as error:  # a naive time or an unknown network name in the store layer
        raise CliError(str(error)) from None
    payload = draft_payload(draft, accounts)
    ctx.emit(payload, _describe(payload, heading="Saved draft"))
    return 0


def _list(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.limit < 0 or args.offset < 0:
        raise CliError("--limit and --offset must not be negative")
    with ctx.store().unit_of_work(read_only=True) as uow:
        accounts = {a.id: a for a in uow.accounts.list()}
        drafts = uow.drafts.list(
            search=args.search,
            include_trashed=args.trashed,
            state=args.state,
            limit=args.limit,
            offset=args.offset,
        )
    payloads = [draft_payload(d, accounts) for d in drafts]
    ctx.emit(payloads, _describe_list(payloads))
    return 0


def _show(args: argparse.Namespace, ctx: CliContext) -> int:
    with ctx.store().unit_of_work(read_only=True) as uow:
        accounts = {a.id: a for a in uow.accounts.list()}
        try:
            draft = uow.drafts.require(args.id)
        except DraftNotFound:
            raise CliError(f"no draft with id {args.id}; see `kanal draft list`") from None
    payload = draft_payload(draft, accounts)
    ctx.emit(payload, _describe(payload, heading="Draft"))
    return 0


# -- the JSON shape ----------------------------------------------------------------------------


def draft_payload(draft: Draft, accounts: Mapping[str, Account]) -> dict[str, Any]:
    """The public JSON of a draft (a stable interface: extend, do not rename)."""
    return {
        "id": draft.id,
        "title": draft.title,
        "body": draft.body,
        "state": draft.state.value,
        "author": draft.author,
        "targets": target_checks(draft, accounts),
        "variants": {network.value: text for network, text in draft.variants.items()},
        "attachments": [
            {
                "id": a.id,
                "original_name": a.original_name,
                "alt_text": a.alt_text,
                "sha256": a.sha256,
                "size_bytes": a.size_bytes,
                "mime_type": a.mime_type,
            }
            for a in draft.attachments
        ],
        "scheduled_at": _iso(draft.scheduled_at),
        "created_at": _iso(draft.created_at),
        "updated_at": _iso(draft.updated_at),
    }


def target_checks(draft: Draft, accounts: Mapping[str, Account]) -> list[dict[str, Any]]:
    """One length check per target account; with no targets, one per supported network.

    Each check measures the text that would go there (the network's variant, else the body) by
    that network's counting rules. A blog target also needs a title.
    """
    from desktop_app.domain.text_rules import Severity, check_post, measure

    pairs: list[tuple[str | None, Network]] = []
    for target_id in draft.target_account_ids:
        account = accounts.get(target_id)
        if account is not None:
            pairs.append((target_id, account.network))
    if not pairs:
        pairs = [(None, network) for network in Network]
    checks: list[dict[str, Any]] = []
    for account_id, network in pairs:
        text = draft.text_for(network)
        measured = measure(network, text)
        problems = check_post(network, text, draft.title)
        checks.append(
            {
                "account_id": account_id,
                "network": network.value,
                "length": measured.length,
                "limit": measured.limit,
                "valid": measured.valid and not any(p.severity is Severity.ERROR for p in problems),
                "over_by": measured.over_by,
                "problems": [{"code": p.code, "message": p.message} for p in problems],
            }
        )
    return checks


# -- parsing -----------------------------------------------------------------------------------


def _parse_variants(values: Sequence[str]) -> dict[Network, str]:
    variants: dict[Network, str] = {}
    for value in values:
        name, separator, text = value.partition("=")
        if not separator:
            raise CliError(f"--variant needs NETWORK=TEXT, got {value!r}")
        try:
            network = parse_network(name)
        except ValueError as error:
            raise CliError(str(error)) from None
        if network in variants:
            raise CliError(f"--variant for {network.value} was given twice")
        variants[network] = text
    return variants


def _resolve_targets(requested: Sequence[str], accounts: Mapping[str, Account]) -> list[str]:
    targets: list[str] = []
    for value in requested:
        if value.strip().lower() == ALL_ACCOUNTS:
            targets.extend(accounts)
        elif value in accounts:
            targets.append(value)
        else:
            raise CliError(f"no account with id {value}; see `kanal accounts list`")
    return list(dict.fromkeys(targets))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


# -- human output ------------------------------------------------------------------------------


def _local(iso: str | None) -> str:
    if iso is None:
        return "-"
    return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")


def _describe(payload: Mapping[str, Any], heading: str) -> str:
    lines = [
        f"{heading} {payload['id']} ({payload['state']}), "
        f"by {one_line(payload['author']) or 'unknown'}, "
        f"last changed {_local(payload['updated_at'])}"
    ]
    if payload["title"]:
        lines.append(f"Title: {one_line(payload['title'])}")
    lines.append(payload["body"])
    for network, text in payload["variants"].items():
        lines.append(f"[{network} version] {text}")
    if payload["scheduled_at"]:
        lines.append(f"Scheduled for {_local(payload['scheduled_at'])}")
    lines.append("Length checks:")
    for check in payload["targets"]:
        who = check["account_id"] or "any account"
        limit = "no limit" if check["limit"] is None else f"{check['limit']}"
        verdict = "; ".join(p["message"] for p in check["problems"]) or "ok"
        lines.append(f"  {check['network']:<10} {who:<36} {check['length']}/{limit}  {verdict}")
    for attachment in payload["attachments"]:
        alt = one_line(attachment["alt_text"]) or "MISSING alt text (needed before publishing)"
        lines.append(f"Image {one_line(attachment['original_name'])}: {alt}")
    return "\n".join(lines)


def _describe_list(payloads: Sequence[Mapping[str, Any]]) -> str:
    if not payloads:
        return "No drafts."
    lines = []
    for payload in payloads:
        first_lines = payload["body"].strip().splitlines()
        text = " ".join(
            (payload["title"] or (first_lines[0] if first_lines else "(empty)")).split()
        )
        if len(text) > 60:
            text = text[:59] + "…"
        text = one_line(text)  # escaped after cutting, so no escape is cut in two
        bad = sum(1 for c in payload["targets"] if not c["valid"])
        flag = f"  ({bad} target(s) need changes)" if bad else ""
        lines.append(
            f"{payload['id']}  {payload['state']:<9}  {_local(payload['updated_at'])}  {text}{flag}"
        )
    return "\n".join(lines)
