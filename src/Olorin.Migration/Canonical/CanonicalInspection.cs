namespace Olorin.Migration.Canonical;

/// <summary>
/// While a document is written in canonical form, the preflight listens through this (per thread: serialization is
/// synchronous) for what a target may not hold: free-form keys, non-finite numbers, timestamps, text with NUL.
/// </summary>
public sealed class CanonicalInspection
{
    [ThreadStatic] private static CanonicalInspection? current;

    internal static CanonicalInspection? Current => current;

    public List<string> FreeFormKeyPaths { get; } = [];
    public List<string> NonFiniteNumbers { get; } = [];
    public List<DateTime> Timestamps { get; } = [];
    public bool HasNulCharacter { get; private set; }

    /// <summary>Writes <paramref name="document"/> canonically and returns its bytes, recording into this inspection.</summary>
    public byte[] Inspect(object document)
    {
        current = this;
        try
        {
            return CanonicalForm.Of(document);
        }
        finally
        {
            current = null;
        }
    }

    internal void FreeFormKey(string parentPath, string key)
    {
        if (key.StartsWith('$') || key.Contains('.')) FreeFormKeyPaths.Add(parentPath.Length == 0 ? key : parentPath + "." + key);
    }

    internal void NonFinite(string text) => NonFiniteNumbers.Add(text);

    internal void Timestamp(DateTime value) => Timestamps.Add(value);

    internal void Text(string value)
    {
        if (value.Contains('\0')) HasNulCharacter = true;
    }
}
