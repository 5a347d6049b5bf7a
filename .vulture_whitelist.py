"""Names vulture cannot see used: called by a framework, dispatched by name, or dead code another
part of issue 10 removes. Keep it short; every entry says why.

vulture reads this file as code: a bare name counts as a use of every attribute so called.
"""

# ruff: noqa: B018
# mypy: ignore-errors
from __future__ import annotations

_ = object()

# Called by the framework, never by our code.
_.do_GET  # http.server handlers (networks/signin.py)
_.log_message  # http.server
_.handle_starttag  # html.parser.HTMLParser callbacks
_.handle_endtag
_.handle_data
_.footer  # fpdf2 calls it on every page (engine/export.py)
_.paint  # Qt item delegates
_.headerData  # Qt item models
_.eventFilter  # Qt event filters
_.highlightBlock  # QSyntaxHighlighter (ui/spelling.py)
_.dropEvent  # Qt drag and drop (ui/calendar_view.py)
_.writable  # io.TextIOBase protocol (cli/output.py wraps stdout)
_.handleError  # logging.Handler hook (logsetup.py)
_.updated_by  # who changed a register row or rule: a column kept for the record
_.released_by  # who released a legal hold: a column kept for the record
_.content_sha256  # disposal list entries and results are written out with dataclasses.asdict
_.redacted_events
_.legacy_events_kept
_.granted_scopes  # AccountHealth field, written out by to_json (dataclasses.asdict)
_.file_path  # keyrings.alt's file keyring reads it (tests point it at a temporary file)
_._content  # requests.Response's body, set by tests that build an answer by hand
_.loadResource  # QTextDocument
_.impl  # SQLAlchemy TypeDecorator (store/types.py)
_.cache_ok
_.process_bind_param
_.process_result_value
_.isolation_level  # sqlite3 connection attribute (store/database.py)
_.on_connect  # SQLAlchemy event listeners (store/database.py)
_.on_begin
_.exc_text  # logging.LogRecord (networks/http.py)
_.trust_env  # requests.Session (networks/http.py)
_.priority  # keyring backend class attribute (practice.py)
_.daemon_threads  # socketserver class attributes (sandbox/server.py)
_.block_on_close
_.allow_reuse_address
_.request_queue_size
_.protocol_version
_.option_string  # argparse.Action.__call__ signature (cli/draft.py)
_.signum  # signal handler signature (cli/sandbox_cmd.py)
_.__call__  # typing.Protocol (engine/accounts.py StoreAccess)

# Values stored in the database or dispatched by name.
_.WARNING  # domain/text_rules.py Severity: a level the checks may report (none does today)
_.RULES  # domain/publications.py FailureKind member, stored in rows
_.down_revision  # Alembic revision files
_.branch_labels
_.depends_on
_.getSession  # sandbox/platforms/bluesky/routes.py: XRPC methods dispatched by NSID
_._create_session
_._refresh_session
_._resolve_handle
_._getSession
_._deleteSession
_._createRecord
_._putRecord
_._deleteRecord
_._getRecord
_._listRecords
_._uploadBlob
_._listNotifications
_._updateSeen
_._getUnreadCount
_._getAuthorFeed
_._getPosts
_._getPostThread
_._getProfile
_._comments  # sandbox/platforms/wordpress.py: routed by resource name
_._r_verify_credentials  # sandbox/platforms/mastodon/routes.py: REST routes by name
_._r_app_credentials
_._r_post_status
_._r_get_status
_._r_status_context
_._r_delete_status
_._r_account_statuses
_._r_relationship
_._r_notifications
_._r_list_scheduled
_._r_get_scheduled
_._r_delete_scheduled
_._r_put_scheduled
_._r_upload
_._r_get_media
_._r_put_media
_._r_report


# Dead code in other helpers' files, to be removed there (issue 10); listed in the report.
_.attachments_dir  # config.py
_.profile_url  # networks/base.py
_.max_text_length  # networks/base.py ConnectorLimits -> domain/platforms.py
_.max_media
_.supports_alt_text
_.supports_scheduling
_.as_dict  # networks/common.py
_.with_query  # sandbox/core.py
_.TERMINAL_KINDS  # sandbox/faults.py
_.scheduled_local  # ui/composer.py
_.DRAFT_ID_ROLE  # ui/drafts_view.py
_.image_count  # ui/drafts_view.py
_.PUBLICATION_ID_ROLE  # ui/history_view.py
_.row_of_seq  # ui/inbox/model.py
_.reload_rows  # ui/inbox/model.py
_.tray  # ui/inbox/notifications.py
_.row_height  # ui/inbox/view.py
_.removed  # ui/accounts_view.py
_.same_origin_path  # tests/contract/wordpress_support.py
_.conn  # tests/unit/store/test_store_scale.py (an unused loop variable)

# Team store record columns: filled by the server or the push, read by people and SQL (audits).
_.added_by  # store/team_store.py
_.added_at
_.received_at
_.claimed_at
