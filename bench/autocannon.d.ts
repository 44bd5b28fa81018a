// The part of autocannon's API the benchmark uses (the package ships no types).
declare module 'autocannon' {
  type Histogram = { average: number; p50: number; p99: number; total: number }
  type Options = {
    url: string
    connections?: number
    duration?: number
    headers?: Record<string, string>
    requests?: { method?: 'GET'; path: string; headers?: Record<string, string> }[]
  }
  type Result = {
    requests: Histogram
    latency: Histogram
    duration: number
    errors: number
    timeouts: number
    '1xx': number
    '2xx': number
    '3xx': number
    '4xx': number
    '5xx': number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}
