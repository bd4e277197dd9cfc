using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

public sealed class MetricsLogTests
{
    [Fact]
    public void TruncateAfterKeepsOnlyEarlierStepsAndNonFiniteValuesSurvive()
    {
        string path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.jsonl");
        var log = new MetricsLog(path);
        for (long step = 1; step <= 5; step++) log.Append(step, [new("loss", 1.0 / step)]);
        log.Append(6, [new("loss", double.NaN)], [new("weights", "ema")]);
        log.TruncateAfter(3);
        var records = log.Read();
        Assert.Equal(new long[] { 1, 2, 3 }, records.Select(r => (long)r["step"]!));
        Assert.Equal(0.5, (double)records[1]["loss"]!);

        log.Append(4, [new("loss", double.PositiveInfinity)], [new("weights", "ema")]);
        var last = log.Read()[^1];
        Assert.Equal("Infinity", (string)last["loss"]!);
        Assert.Equal("ema", (string)last["weights"]!);
        File.Delete(path);
    }

    [Fact]
    public void LastValueIsTheLatestRecordHavingTheKey()
    {
        string path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.jsonl");
        var log = new MetricsLog(path);
        Assert.Equal(0, log.LastValue("elapsed_seconds"));
        log.Append(1, [new("elapsed_seconds", 10.5)]);
        log.Append(2, [new("loss", 1.0)]);
        Assert.Equal(10.5, log.LastValue("elapsed_seconds"));
        File.Delete(path);
    }

    [Fact]
    public void ADamagedLineIsReportedWithTheFileName()
    {
        string path = Path.Combine(Path.GetTempPath(), $"metrics-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(path, "{\"step\": 1}\n{\"loss\": 2}\n");
        var error = Assert.Throws<InvalidDataException>(() => new MetricsLog(path).TruncateAfter(1));
        Assert.Contains(path, error.Message);
        File.Delete(path);
    }
}
