using System.Text.Json;
using System.Text.Json.Nodes;

namespace CondDistill.Tests.Notebooks;

/// <summary>Writes small .ipynb files for the runner tests; code cells reference the dlls beside the tests by absolute path.</summary>
internal static class TestNotebooks
{
    /// <summary>The setup lines a test notebook starts with: the built dlls and the display helpers.</summary>
    internal static string SetupCell()
    {
        string[] dlls = ["TorchSharp.dll", "SixLabors.ImageSharp.dll", "Plotly.NET.dll", "Plotly.NET.CSharp.dll", "CondDistill.dll", "CondDistill.Notebooks.dll"];
        return string.Concat(dlls.Select(d => $"#r \"{Path.Combine(AppContext.BaseDirectory, d)}\"\n")) +
               "using CondDistill.Notebooks;\nusing TorchSharp;\nNotebookDisplay.Register();\n";
    }

    /// <summary>Writes a notebook whose cells are ("markdown" | "csharp", source).</summary>
    internal static string Write(string folder, string name, params (string Kind, string Source)[] cells)
    {
        var array = new JsonArray();
        foreach (var (kind, source) in cells)
        {
            var cell = new JsonObject
            {
                ["cell_type"] = kind == "markdown" ? "markdown" : "code",
                ["metadata"] = kind == "markdown" ? new JsonObject() : new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["source"] = source,
            };
            if (kind != "markdown") { cell["outputs"] = new JsonArray(); cell["execution_count"] = null; }
            array.Add(cell);
        }
        var notebook = new JsonObject
        {
            ["cells"] = array,
            ["metadata"] = new JsonObject
            {
                ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
                ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
            },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
