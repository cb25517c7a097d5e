// An exposition with a histogram of two routes and a summary, shared by the parsers' tests.
export const EXPOSITION = `# HELP http_request_duration_seconds Request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.1",route="/a",code="200"} 5
http_request_duration_seconds_bucket{le="0.5",route="/a",code="200"} 8
http_request_duration_seconds_bucket{le="+Inf",route="/a",code="200"} 9
http_request_duration_seconds_sum{route="/a",code="200"} 2.5
http_request_duration_seconds_count{route="/a",code="200"} 9
http_request_duration_seconds_bucket{le="0.1",route="/b",code="200"} 1
http_request_duration_seconds_bucket{le="0.5",route="/b",code="200"} 1
http_request_duration_seconds_bucket{le="+Inf",route="/b",code="200"} 3
http_request_duration_seconds_sum{route="/b",code="200"} 4
http_request_duration_seconds_count{route="/b",code="200"} 3
# HELP rpc_seconds RPC latency.
# TYPE rpc_seconds summary
rpc_seconds{quantile="0.5"} 0.05
rpc_seconds{quantile="0.99"} 0.3
rpc_seconds_sum 12
rpc_seconds_count 100`;
