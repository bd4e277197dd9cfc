using CondDistill.Evaluation;
using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

public sealed class ResultsTableTests
{
    private static ResultRow Row(string key, double msPerImage, double? otherShare)
    {
        var protocol = new EvaluationProtocol("0123456789abcdef", "Test", 8, 8, [0L, 7L], "ema", "grid-N50-4", 4, Device: "cpu");
        var metrics = new MetricsReport(protocol, FdFmnist: 12.5, KidFmnistMean: 3.25, KidFmnistStd: 0.5, PsnrMeanDb: 20, SsimMean: 0.5,
            LpipsStyleDistance: 0.3, ConditionConsistencyPsnrDb: 30, SaturationRatio: 1, MillisecondsPerImage: msPerImage,
            OtherProcessesCpuShare: otherShare);
        return new ResultRow(key, "CoDi", "codi", "grid-N50-4", 4, "ema", metrics, 10, 2, 4, 1);
    }

    private static string Markdown(params ResultRow[] rows) =>
        new ResultsTable("sr4", "x4", "smoke", "abc", "now", "teacher", "machine", rows, [], []).ToMarkdown();

    [Fact]
    public void Rows_sampled_while_other_processes_were_busy_are_marked_and_counted()
    {
        var md = Markdown(Row("a", 12.0, 0.02), Row("b", 30.0, 0.45));
        Assert.Contains("| 12.0 |", md);
        Assert.Contains("| 30.0* |", md);
        Assert.Contains("other processes used at most 45 % of the CPU while a row was sampled, and more than 10 % for the 1 rows marked *", md);
    }

    [Fact]
    public void A_quiet_table_has_no_marks_and_an_unmeasured_one_says_so()
    {
        var quiet = Markdown(Row("a", 12.0, 0.02));
        Assert.DoesNotContain("*", quiet.Split("| Method")[1]);
        Assert.Contains("other processes used at most 2 % of the CPU while a row was sampled.", quiet);
        Assert.Contains("(load of other processes not measured)", Markdown(Row("a", 12.0, null)));
    }
}
