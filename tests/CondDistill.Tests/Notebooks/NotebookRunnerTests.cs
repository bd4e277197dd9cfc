using CondDistill.Notebooks;
using CondDistill.Tests.Cli;
using Microsoft.DotNet.Interactive.Documents;

namespace CondDistill.Tests.Notebooks;

[Collection(NotebookRunnerCollection.Name)]
public sealed class NotebookRunnerTests(NotebookRunFixture fixture)
{
    private static string Html(InteractiveDocumentOutputElement output) => output switch
    {
        DisplayElement d => (string)d.Data["text/html"],
        ReturnValueElement r => (string)r.Data["text/html"],
        _ => throw new InvalidOperationException($"Not a display output: {output.GetType().Name}"),
    };

    [Fact]
    public void Passing_notebook_runs_every_code_cell_and_captures_outputs()
    {
        var run = fixture.Passing;
        Assert.True(run.Succeeded, run.Failure?.Describe());
        Assert.Equal((5, 5), (run.CodeCellCount, run.CodeCellsRun));
        var cells = run.Document.Elements;
        Assert.Empty(cells[0].Outputs); // markdown is not run
        var stdout = Assert.IsType<TextElement>(Assert.Single(cells[1].Outputs));
        Assert.Equal(("stdout", "profile=smoke"), (stdout.Name, stdout.Text.Trim())); // profile reaches the notebook
        Assert.StartsWith("<img src=\"data:image/png;base64,", Html(Assert.Single(cells[2].Outputs)));
        Assert.Contains("Plotly.newPlot", Html(Assert.Single(cells[3].Outputs)));
        Assert.Contains("<td style=\"text-align:right\">1.25</td>", Html(Assert.Single(cells[4].Outputs)));
    }

    [Fact]
    public void Progress_display_is_updated_in_place()
    {
        var output = Assert.Single(fixture.Passing.Document.Elements[5].Outputs);
        Assert.Equal("<pre class=\"condistill-progress\">train: step 2 of 2</pre>", Html(output));
    }

    [Fact]
    public void Failing_cell_stops_the_run_and_is_named()
    {
        var run = fixture.Failing;
        Assert.False(run.Succeeded);
        Assert.Equal(2, run.Failure!.CellNumber);
        Assert.Equal("throw new InvalidOperationException(\"boom in cell two\");", run.Failure.FirstLine);
        Assert.Contains("boom in cell two", run.Failure.Message);
        Assert.Equal((3, 1), (run.CodeCellCount, run.CodeCellsRun));
        Assert.IsType<ErrorElement>(Assert.Single(run.Document.Elements[1].Outputs));
        Assert.Empty(run.Document.Elements[2].Outputs); // cell 3 never ran
        Assert.Contains("failing.ipynb: cell 2 (throw new InvalidOperationException(\"boom in cell two\");) failed: ", fixture.Log);
        Assert.Contains("[1/3] cell 1 ok ", fixture.Log);
        Assert.Contains("[2/3] cell 2 FAILED ", fixture.Log);
    }

    [Fact]
    public void Executed_notebook_round_trips_through_ipynb()
    {
        string path = Path.Combine(fixture.Folder, "executed", "passing.ipynb");
        NotebookRunner.SaveExecuted(fixture.Passing.Document, path);
        var reread = NotebookRunner.Load(path);
        Assert.Equal(6, reread.Elements.Count);
        Assert.Contains("profile=smoke", Assert.IsType<TextElement>(Assert.Single(reread.Elements[1].Outputs)).Text);
        Assert.Single(reread.Elements[2].Outputs);
    }

    [Fact]
    public void Folder_lists_notebooks_in_name_order()
    {
        var found = NotebookRunner.FindNotebooks(fixture.Folder);
        Assert.Equal(["failing.ipynb", "passing.ipynb"], found.Select(Path.GetFileName));
        Assert.Throws<FileNotFoundException>(() => NotebookRunner.FindNotebooks(Path.Combine(fixture.Folder, "missing.ipynb")));
    }

    [Fact]
    public void Cli_exits_non_zero_naming_notebook_and_cell()
    {
        var (exit, output, error) = CliProcess.Run("notebook", "run", Path.Combine(fixture.Folder, "failing.ipynb"), "--profile", "smoke");
        Assert.Equal(1, exit);
        Assert.Contains("0 notebooks ok, 1 failed", output);
        Assert.Contains("failing.ipynb: cell 2 (throw new InvalidOperationException(\"boom in cell two\");) failed", error);
    }
}
