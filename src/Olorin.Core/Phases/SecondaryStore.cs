namespace Olorin.Core.Phases;

/// <summary>
/// The secondary store of the <c>dual</c> and <c>mongo_primary</c> phases: a service provider that composes that
/// backend's implementation of every repository port (resolve them from a scope), and a description without secrets.
/// Registered as a singleton only in those phases.
/// </summary>
public sealed record SecondaryStore(string Backend, string Description, IServiceProvider Services);
