using System.Security.Cryptography;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace CondDistill.Evaluation;

/// <summary>
/// Content hash of a module's weights that evaluation reports cite: SHA-256 over the state dict
/// (parameters and buffers) in registration order, each entry hashed as its name, dtype, shape and raw
/// little-endian bytes. It depends only on the values, not on the file format, so an extractor hashes the
/// same before saving and after loading.
/// </summary>
public static class ExtractorHash
{
    /// <summary>Lower-case hexadecimal SHA-256 of the module's state dict.</summary>
    public static string Compute(nn.Module module)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in module.state_dict())
        {
            var header = $"{name}|{tensor.dtype}|{string.Join(",", tensor.shape)}\n";
            sha.AppendData(Encoding.UTF8.GetBytes(header));
            var bytes = tensor.detach().cpu().contiguous().bytes;
            sha.AppendData(bytes);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
