"""The embeddable web chat widget (JavaScript in src/, built to dist/) and its demo server."""
