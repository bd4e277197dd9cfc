using System.CommandLine;
using CondDistill.Notebooks;

namespace CondDistill.Cli.Commands;

/// <summary>
/// <c>condistill notebook run</c>: executes notebooks headless (CondDistill.Notebooks.NotebookRunner),
/// optionally writes the executed .ipynb and a self-contained HTML report of each. Exit code 1 when
/// a cell fails (the notebook and cell are named), 0 when every notebook ran.
/// </summary>
internal static class NotebookCommand
{
    public static Command Create()
    {
        var command = new Command("notebook", "Run .NET Interactive notebooks headless and write HTML reports.");
        command.Subcommands.Add(CreateRun());
        return command;
    }

    private static Command CreateRun()
    {
        var input = new Argument<string>("notebook") { Description = "A .ipynb file, or a folder whose *.ipynb files run in name order." };
        var profile = new Option<string>("--profile")
        {
            Description = $"Notebook profile, seen by the notebook in {NotebookProfile.EnvironmentVariable}: {string.Join(", ", NotebookProfile.Allowed)}.",
            DefaultValueFactory = _ => NotebookProfile.Default,
        };
        var output = new Option<string?>("--out") { Description = "Executed notebook: a .ipynb file for one notebook, or a folder (one <name>.ipynb per notebook)." };
        var html = new Option<string?>("--html") { Description = "HTML report: a .html file for one notebook, or a folder (one <name>.html per notebook)." };
        var command = new Command("run", "Execute every code cell, stop a notebook at its first failing cell, report each notebook.")
        {
            input, profile, output, html,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string path = parse.GetValue(input)!;
            var notebooks = NotebookRunner.FindNotebooks(path);
            bool many = Directory.Exists(path);
            var options = new NotebookRunOptions { Profile = NotebookProfile.Parse(parse.GetValue(profile), "--profile") };
            var results = new List<NotebookRunResult>();
            foreach (var notebook in notebooks)
            {
                var result = await NotebookRunner.RunAsync(notebook, options, cancellationToken);
                results.Add(result);
                if (parse.GetValue(output) is { } outPath)
                {
                    string target = TargetPath(outPath, notebook, ".ipynb", many);
                    NotebookRunner.SaveExecuted(result.Document, target);
                    Console.WriteLine($"  executed notebook: {target}");
                }
                if (parse.GetValue(html) is { } htmlPath)
                {
                    string target = TargetPath(htmlPath, notebook, ".html", many);
                    HtmlReportWriter.Write(result, target);
                    var external = HtmlReportWriter.FindExternalReferences(File.ReadAllText(target));
                    Console.WriteLine($"  HTML report: {target} ({new FileInfo(target).Length:N0} bytes; {external.Count} external references{(external.Count > 0 ? ": " + string.Join(", ", external.Take(3)) : ", renders offline")})");
                }
                Console.WriteLine(result.Describe());
            }
            int failed = results.Count(r => !r.Succeeded);
            Console.WriteLine($"{results.Count - failed} notebooks ok, {failed} failed");
            foreach (var result in results.Where(r => !r.Succeeded))
                Console.Error.WriteLine($"error: notebook {result.NotebookPath}: {result.Failure!.Describe()}");
            return failed == 0 ? 0 : 1;
        });
        return command;
    }

    /// <summary>A file path when one notebook runs and the path has the extension; otherwise a folder holding &lt;name&gt;&lt;extension&gt;.</summary>
    private static string TargetPath(string given, string notebook, string extension, bool many)
    {
        bool isFile = !many && given.EndsWith(extension, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(given);
        if (many && given.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"'{given}' names a file, but several notebooks run: give a folder for their {extension} files.");
        return isFile ? Path.GetFullPath(given) : Path.Combine(Path.GetFullPath(given), Path.GetFileNameWithoutExtension(notebook) + extension);
    }
}
