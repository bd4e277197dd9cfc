using CondDistill.Training;
using static TorchSharp.torch;

namespace CondDistill.Tests.Training;

public sealed class WeightAveragingTests
{
    private static Dictionary<string, Tensor> State(float[] weight, float bias) => new()
    {
        ["layer.weight"] = tensor(weight),
        ["layer.bias"] = tensor(new[] { bias }),
    };

    [Fact]
    public void The_mean_is_the_entrywise_average_and_leaves_the_inputs_unchanged()
    {
        var a = State([1f, 2f], 0.5f);
        var b = State([3f, 4f], 1.5f);
        var c = State([5f, 9f], -5f);

        var mean = WeightAveraging.Mean([a, b, c]);

        Assert.Equal(new[] { 3f, 5f }, mean["layer.weight"].data<float>().ToArray());
        Assert.Equal(-1f, mean["layer.bias"].item<float>());
        Assert.Equal(new[] { 1f, 2f }, a["layer.weight"].data<float>().ToArray());
        Assert.Equal(0.5f, a["layer.bias"].item<float>());
    }

    [Fact]
    public void The_sum_runs_in_the_given_order_in_the_entries_dtype_then_divides_once()
    {
        // 1e8 + 1 + ... in float32 loses the ones one by one; the documented order makes the result reproducible.
        var states = new[] { 1e8f, 1f, 1f, 1f }.Select(v => (IReadOnlyDictionary<string, Tensor>)new Dictionary<string, Tensor> { ["w"] = tensor(new[] { v }) }).ToList();
        float expected = (((1e8f + 1f) + 1f) + 1f) / 4f;

        Assert.Equal(expected, WeightAveraging.Mean(states)["w"].item<float>());
    }

    [Fact]
    public void Mismatched_entries_shapes_dtypes_and_too_few_states_are_refused_by_name()
    {
        var a = State([1f, 2f], 0f);
        var wrongShape = State([1f, 2f, 3f], 0f);
        var missing = new Dictionary<string, Tensor> { ["layer.weight"] = tensor(new[] { 1f, 2f }) };
        var integer = new Dictionary<string, Tensor> { ["layer.weight"] = tensor(new long[] { 1, 2 }), ["layer.bias"] = tensor(new long[] { 0 }) };

        var shape = Assert.Throws<ArgumentException>(() => WeightAveraging.Mean([a, wrongShape], ["a.safetensors", "b.safetensors"]));
        Assert.Contains("'layer.weight' of b.safetensors", shape.Message);
        Assert.Contains("[3]", shape.Message);
        var entries = Assert.Throws<ArgumentException>(() => WeightAveraging.Mean([a, missing], ["a.safetensors", "b.safetensors"]));
        Assert.Contains("b.safetensors", entries.Message);
        Assert.Contains("missing layer.bias", entries.Message);
        Assert.Contains("only floating-point", Assert.Throws<ArgumentException>(() => WeightAveraging.Mean([integer, integer])).Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => WeightAveraging.Mean([a])).Message);
    }
}
