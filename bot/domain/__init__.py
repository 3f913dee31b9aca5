"""The domain: command grammar, policy and the cancellation workflow. Plain Python only:
no Slack SDK and no HTTP library here; adapters are passed in."""
