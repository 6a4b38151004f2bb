"""The REST API's routes, one router per resource (``/api/v1``)."""
