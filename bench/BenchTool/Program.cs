using System.Globalization;

// The load benchmark's helpers (bench/run.sh) and the vector measurements (docs/performance.md):
//   seed-scores <base url> <tenant> <investigation id> <count>      1M scores: 10,000 per request, 4 requests in flight
//   seed-anomalies <base url> <tenant> <count> [random|minilm.f32]   POST /anomalies/bulk, 1,000 per request, random or MiniLM-like embeddings
//   flat <vectors> <queries>                      the in-process exact index's scan alone: ms and CPU ms per query (FlatScan.cs)
//   similar <base url> <tenant> <random|minilm.f32> <queries> <server pid> <postgres connection string>
//                                                 similar-anomaly search, both paths, recall@10 of each against PostgreSQL's exact ranking (SimilarityRecall.cs)
//   raw <connection string> <get|list> <tenant> <connections> <seconds>   raw Npgsql ceiling for the same SELECT as the server
//   embed … / sweep …                                                see VectorSweep.cs
//   diagnose <windows.tsv> <counters.csv> <activity.txt>   per row of bench/run.sh: GC, WAL, checkpointer, autovacuum, waits (RowDiagnostics.cs)
//   fixed-rate <base url> <tenant> <post|patch> <requests/s> <seconds> [--warmup s] [--id-prefix p] [--first-id n] …
//                                                 an open-loop write load at a fixed offered rate, latency from each request's intended send time (FixedRate.cs)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

switch (args.FirstOrDefault())
{
    case "seed-scores":
        await Seeder.ScoresAsync(new Uri(args[1]), args[2], args[3], int.Parse(args[4]));
        return 0;
    case "seed-anomalies":
        await Seeder.AnomaliesAsync(new Uri(args[1]), args[2], int.Parse(args[3]), args.Length > 4 ? args[4] : "random");
        return 0;
    case "raw":
        await RawCeiling.RunAsync(args[1], args[2], args[3], int.Parse(args[4]), int.Parse(args[5]));
        return 0;
    case "flat":
        FlatScan.Run(int.Parse(args[1]), int.Parse(args[2]));
        return 0;
    case "similar":
        await SimilarityRecall.RunAsync(new Uri(args[1]), args[2], args[3], int.Parse(args[4]), int.Parse(args[5]), args[6]);
        return 0;
    case "embed":
        await VectorSweep.EmbedAsync(int.Parse(args[1]), args[2], args.Length > 3 ? int.Parse(args[3]) : 12);
        return 0;
    case "sweep":
        await VectorSweep.SweepAsync(args[1], args[2], int.Parse(args[3]), int.Parse(args[4]),
            args[5].Split(',').Select(p => p.Split(':')).Select(p => p.Length == 2 ? (Kind: "vector", M: int.Parse(p[0]), Efc: int.Parse(p[1])) : (Kind: p[0], M: int.Parse(p[1]), Efc: int.Parse(p[2]))).ToList(),
            args[6].Split(',').Select(int.Parse).ToList(), args.Length > 7 ? double.Parse(args[7]) : 0.02);
        return 0;
    case "diagnose":
        RowDiagnostics.Print(args[1], args[2], args[3]);
        return 0;
    case "fixed-rate":
        return await FixedRate.RunAsync(args[1..]);
    default:
        Console.Error.WriteLine("usage: BenchTool seed-scores|seed-anomalies|similar|raw|embed|sweep|diagnose|fixed-rate … (see Program.cs)");
        return 2;
}
