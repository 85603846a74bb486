"""The county feed: parse, schema.org JobPosting, on-disk cache, fetch (HTTP) and the poller."""
