using CondDistill.Experiments;

namespace CondDistill.Tests.Experiments;

public sealed class ExperimentConfigTests
{
    [Fact]
    public void DefaultsAreCoDiPaperDefaultsOnSuperResolutionAndRoundTrip()
    {
        var config = new ExperimentConfig();
        Assert.Equal(("codi", "paper-defaults", "sr4"), (config.Method, config.CodiPreset, config.Task));
        Assert.Equal(Path.Combine("runs", "codi-paper-defaults-sr4"), config.ResolvedOutputDir);
        Assert.Equal(config, ExperimentConfig.FromJson(config.ToJson(), "x.json"));
        Assert.Contains("\"max_train_steps\": 2000", config.ToJson());
    }

    [Theory]
    [InlineData("{\"method\": \"codii\"}", "'method'", "finetune-controlnet")]
    [InlineData("{\"task\": \"sr3\"}", "'task'", "inpaint")]
    [InlineData("{\"codi_preset\": \"paper\"}", "'codi_preset'", "released-code")]
    [InlineData("{\"method\": \"cm-ii\"}", "'conditional_teacher'", "ema.safetensors")]
    [InlineData("{\"resume_from_checkpoint\": \"last\"}", "'resume_from_checkpoint'", "latest, none")]
    [InlineData("{\"train_batch_size\": 0}", "'train_batch_size'", "1..train_images")]
    [InlineData("{\"batch_size\": 8}", "run.json", "batch_size")]
    public void BadFieldsNameTheFileTheFieldAndTheAllowedValues(string json, string field, string hint)
    {
        var error = Assert.Throws<ArgumentException>(() => ExperimentConfig.FromJson(json, "run.json"));
        Assert.Contains("run.json", error.Message);
        Assert.Contains(field, error.Message);
        Assert.Contains(hint, error.Message);
    }
}
