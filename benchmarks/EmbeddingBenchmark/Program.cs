using System.Diagnostics;
using Olorin.Core.Embeddings;
using Olorin.Embeddings;

// Throughput and memory of the server's embedder (all-MiniLM-L6-v2 through MiniLmTextEmbedder), as the server runs
// it: one caller at a time (sentences/s single), many concurrent callers batched by the embedder, and the memory the
// loaded model costs. Usage: EmbeddingBenchmark [sentences=256] [batchSize=32]
var count = args.Length > 0 ? int.Parse(args[0]) : 256;
var batchSize = args.Length > 1 ? int.Parse(args[1]) : 32;
var texts = Enumerable.Range(0, count)
    .Select(i => $"anomaly: metric tx_count_{i % 17}; severity warn; detector stl_mad; cohort merchant=m-{i}, country=DE; evidence z={i * 0.37:0.00}; observed {i}, expected 5, score 3.5")
    .ToArray();

GC.Collect();
var process = Process.GetCurrentProcess();
var before = (process.WorkingSet64, process.PrivateMemorySize64);
using var model = new MiniLmTextEmbedder(batchSize);
var loading = Stopwatch.StartNew();
model.StartLoading();
if (!await model.WhenReadyAsync()) throw new InvalidOperationException(model.FailureReason);
loading.Stop();
await model.EmbedAsync(texts.Take(batchSize).ToList()); // warm-up run
GC.Collect();
process.Refresh();
Console.WriteLine($"model load: {loading.Elapsed.TotalSeconds:0.0} s; memory of the loaded model: working set +{(process.WorkingSet64 - before.WorkingSet64) / 1048576} MiB, private +{(process.PrivateMemorySize64 - before.PrivateMemorySize64) / 1048576} MiB");

var single = Stopwatch.StartNew();
var singles = Math.Min(count, 64);
foreach (var text in texts.Take(singles)) await model.EmbedAsync(text);
Console.WriteLine($"single (one caller, one text at a time): {singles / single.Elapsed.TotalSeconds:0.0} sentences/s ({single.Elapsed.TotalMilliseconds / singles:0.0} ms each)");

var batched = Stopwatch.StartNew();
await model.EmbedAsync(texts);
Console.WriteLine($"batched (one call of {count} texts, {batchSize} per model run): {count / batched.Elapsed.TotalSeconds:0.0} sentences/s");

var concurrent = Stopwatch.StartNew();
await Task.WhenAll(texts.Select(t => Task.Run(() => model.EmbedAsync(t))));
Console.WriteLine($"concurrent ({count} callers of one text each, batched by the embedder): {count / concurrent.Elapsed.TotalSeconds:0.0} sentences/s");
process.Refresh();
Console.WriteLine($"peak working set: {process.PeakWorkingSet64 / 1048576} MiB");
