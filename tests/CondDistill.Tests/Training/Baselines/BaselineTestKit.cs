using CondDistill.Training;
using CondDistill.Models;
using CondDistill.Training.Baselines;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Tests.Training.Baselines;

/// <summary>Tiny inputs, optimiser steps and snapshots shared by the baseline tests.</summary>
internal static class BaselineTestKit
{
    /// <summary>Image side of the test batches: 8 (the tiny UNet's three levels run at 8, 4 and 2), to keep the tests fast.</summary>
    internal const int Side = 8;

    /// <summary>x in [-1, 1] and c ~ N(0, 1), both [batch, channels, 8, 8].</summary>
    internal static (Tensor X, Tensor C) Batch(ulong seed, int batch = 2, int conditionChannels = 1)
    {
        using var generator = new Generator(seed);
        var x = rand(new long[] { batch, 1, Side, Side }, generator: generator) * 2 - 1;
        var c = randn(new long[] { batch, conditionChannels, Side, Side }, generator: generator);
        return (x, c);
    }

    /// <summary>A network input: z ~ N(0, 1) [batch, 1, 8, 8] and t uniform in 0..999.</summary>
    internal static (Tensor Z, Tensor T) NoisyInput(ulong seed, int batch = 2)
    {
        using var generator = new Generator(seed);
        var z = randn(new long[] { batch, 1, Side, Side }, generator: generator);
        var t = randint(0, 1000, new long[] { batch }, generator: generator);
        return (z, t);
    }

    /// <summary>Runs <paramref name="steps"/> AdamW steps (lr 1e-2) of the method's loss, with the EMA update after each.</summary>
    internal static void Train(ITrainingMethod method, Tensor x, Tensor c, int steps, ulong seed = 99)
    {
        using var optimizer = optim.AdamW(method.TrainableParameters.Select(p => p.Parameter), lr: 1e-2);
        using var generator = new Generator(seed);
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var terms = method.Loss(x, c, generator);
            terms.Total.backward();
            optimizer.step();
            method.AfterOptimizerStep();
        }
    }

    /// <summary>Detached clones of every parameter and buffer of a module, by name.</summary>
    internal static Dictionary<string, Tensor> Snapshot(nn.Module module) =>
        module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone(), StringComparer.Ordinal);

    /// <summary>Names (among <paramref name="names"/>, or all) whose current tensor differs from the snapshot.</summary>
    internal static List<string> Changed(nn.Module module, Dictionary<string, Tensor> before, Func<string, bool>? names = null)
    {
        var now = module.state_dict();
        return before.Keys.Where(n => names is null || names(n)).Where(n => !Same(now[n], before[n])).ToList();
    }

    /// <summary>Bit-for-bit equality (same shape, dtype and values).</summary>
    internal static bool Same(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();

    internal static double MaxAbs(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }
}
