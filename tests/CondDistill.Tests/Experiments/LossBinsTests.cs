using System.Text.Json.Nodes;
using CondDistill.Experiments;
using CondDistill.Runtime;

namespace CondDistill.Tests.Experiments;

public sealed class LossBinsTests
{
    [Fact]
    public void EachWindowHoldsTheStepsAfterItsStartUpToAndIncludingItsEnd()
    {
        // Records every 50 steps whose value is the step: the first window's mean is (50 + ... + 1000) / 20 = 525.
        var records = Enumerable.Range(1, 40).Select(i => ((long)(50 * i), 50.0 * i));
        var bins = LossBins.Of(records, 1000);
        Assert.Equal([new LossBin(1, 1000, 525, 20), new LossBin(1001, 2000, 1525, 20)], bins);

        // Step 1000 closes the first window, 1001 opens the second; empty windows are left out.
        Assert.Equal([new LossBin(1, 1000, 2, 1), new LossBin(1001, 2000, 4, 1), new LossBin(5001, 6000, 6, 1)],
            LossBins.Of([(1000, 2), (1001, 4), (6000, 6)], 1000));
        Assert.Throws<ArgumentException>(() => LossBins.Of([(0, 1)], 1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossBins.Of([(1, 1)], 0));
    }

    [Fact]
    public void LogRecordsWithoutTheFieldAreSkippedAndNonFiniteStringsCount()
    {
        var records = new[]
        {
            JsonNode.Parse("""{"step":10,"loss":0.5,"lr":1e-4}""")!.AsObject(),
            JsonNode.Parse("""{"step":20,"fd":3.0}""")!.AsObject(),
            JsonNode.Parse("""{"step":30,"loss":"NaN"}""")!.AsObject(),
            JsonNode.Parse("""{"step":110,"loss":0.25}""")!.AsObject(),
        };
        var bins = LossBins.OfLog(records, 100);
        Assert.Equal(2, bins[0].Records);
        Assert.True(double.IsNaN(bins[0].MeanLoss)); // a diverged step is not averaged away
        Assert.Equal(new LossBin(101, 200, 0.25, 1), bins[1]);
        Assert.Equal([new LossBin(1, 100, 3.0, 1)], LossBins.OfLog(records, 100, "fd"));

        var damaged = new[] { JsonNode.Parse("""{"step":40,"loss":"high"}""")!.AsObject() };
        var error = Assert.Throws<InvalidDataException>(() => LossBins.OfLog(damaged, 100));
        Assert.Contains("step 40", error.Message);
    }

    [Fact]
    public void TheShippedPilotLogGivesTheBinsItsReadmeQuotes()
    {
        // data/results/teacher-w48/README.md quotes the base-32 pilot's bins from an awk one-liner (an independent
        // implementation): 0.2507, 0.1680, 0.1592, 0.1550 for steps 1-4,000, then 0.15153 and 0.14983.
        string folder = RepositoryFolders.FindUp(Path.Combine("data", "results", "teacher-w32-pilot"), RepositoryFolders.DefaultStarts)
            ?? throw new DirectoryNotFoundException("data/results/teacher-w32-pilot not found above the test folder.");
        var bins = LossBins.OfLog(new MetricsLog(Path.Combine(folder, "pretraining-metrics.jsonl")).Read(), 1000);
        double[] quoted = [0.2507, 0.1680, 0.1592, 0.1550];
        for (int k = 0; k < quoted.Length; k++) Assert.Equal(quoted[k], bins[k].MeanLoss, 4);
        Assert.Equal(0.15153, bins[4].MeanLoss, 5);
        Assert.Equal(0.14983, bins[5].MeanLoss, 5);
        Assert.All(bins, b => Assert.Equal(20, b.Records));
        Assert.Equal(50, bins.Count); // 50,000 steps logged every 50
    }
}
