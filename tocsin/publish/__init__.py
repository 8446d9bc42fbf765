"""Publishing approved statements to the organisation's accounts (issue 25).

- ``models``: what a publisher is asked (:class:`PublishRequest`) and answers
  (:class:`Publication`), and the idempotency key;
- ``errors``: retryable and non-retryable failures, as a Temporal activity maps them;
- ``accounts``: the ``TOCSIN_ACCOUNTS`` file, its secrets and the drills' rule;
- ``ratelimit``: a token bucket per account;
- ``mastodon``, ``mail``, ``webhook``: one publisher a kind of account;
- ``check``: ``tocsin accounts check``'s tries.

Nothing here knows about workflows: an activity calls :func:`tocsin.publish.publisher.publish`.
"""
