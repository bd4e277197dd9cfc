using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CondDistill.Models;

/// <summary>Small helpers over a module's named parameters.</summary>
internal static class ModuleWeights
{
    /// <summary>Copies parameters and buffers from <paramref name="source"/> to <paramref name="target"/>; names and shapes must match one to one.</summary>
    internal static void Copy(nn.Module source, nn.Module target)
    {
        using var noGrad = no_grad();
        var from = source.state_dict();
        var to = target.state_dict();
        if (from.Count != to.Count || !from.Keys.All(to.ContainsKey))
            throw new ArgumentException($"Cannot copy weights between {source.GetName()} and {target.GetName()}: their tensor names differ.");
        foreach (var (name, tensor) in to)
        {
            var value = from[name];
            if (!value.shape.SequenceEqual(tensor.shape))
                throw new ArgumentException($"Cannot copy weight '{name}': shape [{string.Join(", ", value.shape)}] vs [{string.Join(", ", tensor.shape)}].");
            tensor.copy_(value);
        }
    }

    /// <summary>Total element count of the given parameters.</summary>
    internal static long Count(IEnumerable<Parameter> parameters) => parameters.Sum(p => p.numel());
}
