using System.Text.RegularExpressions;
using CondDistill.Experiments;
using CondDistill.Tests.Experiments;

namespace CondDistill.Tests.Cli;

/// <summary><c>condistill run-status</c> on run folders written by hand (the reading itself is tested in Experiments/RunStatusTests).</summary>
public sealed class RunStatusCliTests
{
    [Fact]
    public void PrintsTheCheckpointTheSpeedAndTheLossBinsBesideAnotherRun()
    {
        string directory = Directory.CreateTempSubdirectory("cli-run-status").FullName;
        try
        {
            var run = RunStatusTests.WriteRun(Path.Combine(directory, "run"), loggedTo: 2_100, checkpointAt: 2_000);
            var other = new RunFolder(Path.Combine(directory, "other"));
            other.Create();
            var log = new MetricsLog(other.MetricsPath);
            for (long step = 100; step <= 2_000; step += 100) log.Append(step, [new("loss", 0.2)]);

            var (code, output, error) = CliProcess.Run("run-status", "--run", run.Root, "--compare", other.Root);
            Assert.True(code == 0, error + output);
            Assert.Contains("planned steps   48,000", output);
            Assert.Contains("checkpoint      step 2,000, written ", output);
            Assert.Contains("the log runs 100 steps past the checkpoint", output);
            Assert.Contains("speed           0.250 steps/s over the last 500 logged steps", output);
            Assert.Contains("46,000 steps left: 51.1 h at that speed", output);
            // Window 1-1,000: 20 records of 0.1 + 10/step, step = 50..1000, against 10 records of 0.2.
            double mean = Enumerable.Range(1, 20).Average(i => 0.1 + 10.0 / (50 * i));
            string row = System.FormattableString.Invariant($@"1-1,000\s+{Regex.Escape(mean.ToString("F5", System.Globalization.CultureInfo.InvariantCulture))}\s+20\s+0\.20000\s+10\s+{Regex.Escape((mean - 0.2).ToString("+0.00000;-0.00000", System.Globalization.CultureInfo.InvariantCulture))}\s*\n");
            Assert.Matches(row, output);
            Assert.Matches(@"2,001-3,000\s+0\.1\d{4}\s+2\s*\n", output); // only this run has records there

            (code, _, error) = CliProcess.Run("run-status", "--run", Path.Combine(directory, "nowhere"));
            Assert.Equal(2, code);
            Assert.Contains(Path.Combine(directory, "nowhere"), error);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
