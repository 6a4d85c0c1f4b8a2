using Olorin.Migration.Copying;
using Olorin.Migration.Verification;

namespace Olorin.Migration.Tests;

internal sealed class QuietObserver : ICopyObserver, IVerifyObserver
{
    public List<FailedDocument> Failures { get; } = [];
    public void Started(string collection, long sourceCount, long alreadyDone, bool resumed) { }
    public void Progress(string collection, long done) { }
    public void Failed(string collection, FailedDocument failure) => Failures.Add(failure);
    public void Started(string collection, long sourceCount, long targetCount, long alreadyCompared, bool resumed) { }
}
