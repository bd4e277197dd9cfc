using CondDistill.Evaluation;

namespace CondDistill.Tests.Evaluation;

public sealed class MetricsReportTests
{
    private static MetricsReport Example() => new(
        new EvaluationProtocol("ab12", "test", 10000, 10000, new long[] { 1, 2 }, "ema", "ddim", 4,
            Task: "super-resolution-x4", Method: "codi", KidSubsetSize: 1000, KidSubsetCount: 100),
        FdFmnist: 12.5, KidFmnistMean: 0.01, KidFmnistStd: 0.002,
        PsnrMeanDb: 21.3, PsnrPooledDb: double.PositiveInfinity, SaturationRatio: double.NaN);

    [Fact]
    public void JsonRoundTripKeepsEveryValueIncludingNonFiniteOnes()
    {
        var report = Example();
        string json = report.ToJson();
        Assert.Contains("\"fd_fmnist\": 12.5", json);
        Assert.Contains("\"extractor_hash\": \"ab12\"", json);
        Assert.Contains("\"psnr_pooled_db\": \"Infinity\"", json);
        var back = MetricsReport.FromJson(json);
        Assert.Equal(report with { Protocol = back.Protocol }, back);
        Assert.Equal(report.Protocol with { Seeds = back.Protocol.Seeds }, back.Protocol);
        Assert.Equal(new long[] { 1, 2 }, back.Protocol.Seeds);
    }

    [Fact]
    public void SaveIsAtomicAndLoadReadsItBack()
    {
        string folder = Path.Combine(Path.GetTempPath(), "condistill-report-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(folder, "metrics.json");
            Example().Save(path);
            Assert.False(File.Exists(path + ".tmp"));
            Assert.Equal(12.5, MetricsReport.Load(path).FdFmnist);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void NonReportTextIsRejected()
    {
        Assert.Throws<InvalidDataException>(() => MetricsReport.FromJson("[1, 2]"));
    }
}
