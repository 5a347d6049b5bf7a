"""The public record: the audit chain's key, disposal by rule, snapshots, the archive package."""
