#!/usr/bin/env python3
"""near-equiv.py A.txt B.txt - are two near-search group files the same permutation action up to relabelling
points? (brute force over generator images; fine for |G| <= ~100). Prints EQUIVALENT (exit 0) or not (exit 1)."""
import sys, itertools
def load(f):
    t=open(f).read().split(); v,k,r,ng=map(int,t[:4]); g=[tuple(map(int,t[4+i*v:4+(i+1)*v])) for i in range(ng)]; return v,g
sys.path.insert(0, __import__('os').path.dirname(__file__)); from perm_util import comp, close  # noqa: E402
v1,g1=load(sys.argv[1]); v2,g2=load(sys.argv[2]); assert v1==v2; v=v1
G1=close(g1,v); G2=close(g2,v); print('orders',len(G1),len(G2))
if len(G1)!=len(G2): print('NOT equal order'); sys.exit(1)
# words: express each element of G1 as product of generators (BFS), to define phi from generator images
e=tuple(range(v)); word={e:[]}; fr=[e]
while fr:
    nf=[]
    for x in fr:
        for i,g in enumerate(g1):
            y=comp(g,x)
            if y not in word: word[y]=[i]+word[x]; nf.append(y)
    fr=nf
G2l=list(G2)
for imgs in itertools.product(G2l,repeat=len(g1)):
    phi={}
    for x,w in word.items():
        y=e
        for i in reversed(w): y=comp(imgs[i],y)
        phi[x]=y
    if len(set(phi.values()))!=len(G1): continue
    if any(phi[comp(a,b)]!=comp(phi[a],phi[b]) for a in g1 for b in G1): continue
    # match orbits
    mp={}; used=set(); ok=True
    for p in range(v):
        if p in mp: continue
        st=[x for x in G1 if x[p]==p]; pst={phi[x] for x in st}
        q=next((q for q in range(v) if q not in used and {x for x in G2 if x[q]==q}==pst),None)
        if q is None: ok=False; break
        for x in G1:
            a,b=x[p],phi[x][q]
            if a in mp and mp[a]!=b: ok=False; break
            mp[a]=b; used.add(b)
        if not ok: break
    if ok and len(mp)==v and len(set(mp.values()))==v and all(mp[x[p]]==phi[x][mp[p]] for x in g1 for p in range(v)):
        print('EQUIVALENT'); sys.exit(0)
print('no equivalence found'); sys.exit(1)
