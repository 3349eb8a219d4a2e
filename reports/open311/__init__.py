"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at
`/open311/v2/`: the town's categories as services, its reports as service
requests, and report filing by partner apps holding an `open311` API key."""
