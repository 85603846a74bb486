"""The county feed: parse, schema.org JobPosting, on-disk cache, HTTP poller."""
