"""Trust: keys, the signed organisation register, signed requests and answers, replay protection.

Public entry points for other capabilities:

- keys: :func:`singleview.trust.keys.load_signing_key` (``SigningKey``: kid + Ed25519 key)
- register: :class:`singleview.trust.cache.RegisterCache` (active partners, types, status)
- requests: :func:`singleview.trust.signing.sign_request`, the FastAPI dependency
  :class:`singleview.trust.verification.RequestVerifier` and
  :func:`singleview.trust.verification.ensure_requester_matches`
- answers: :func:`singleview.trust.signing.sign_answer`,
  :func:`singleview.trust.signing.verify_answer`, and the httpx auth
  :class:`singleview.trust.client.SignedExchangeAuth` that does both for a requester
- refusals: :func:`singleview.trust.storage.list_refusals`
"""
