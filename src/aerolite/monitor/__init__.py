"""``aerolite monitor``: a live web page of a cluster's background jobs, namespaces, indexes and UDFs.

Layers, each in its own file: :mod:`.history` (rates over time, pure), :mod:`.snapshot` (one poll of
the cluster through the SDK, as JSON-ready data), :mod:`.poller` (polls on a timer, wakes listeners),
:mod:`.app` (the aiohttp application: page, JSON, server-sent events, abort) and ``static/`` (the page,
its script and style, served from the package: nothing is fetched from elsewhere).
"""
