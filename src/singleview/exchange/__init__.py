"""Where the capabilities meet: the responder endpoint, the requester fan-out, the single view."""
