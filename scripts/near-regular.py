#!/usr/bin/env python3
"""Regular (left-multiplication) actions of small groups, as group files for near-search.c.
usage: near-regular.py v k r GROUP [F [C]] > group.txt  (C copies of the regular action, F fixed points)
GROUP: semi:m:n:t  = Z_m x| Z_n, (a,i)(b,j) = (a + t^i b, i + j)   (t^n = 1 mod m)
       dic:m       = dicyclic group of order 4m: <a (order 2m), x | x^2 = a^m, x a x^-1 = a^-1>
       zq8:m       = Z_m x Q_8
       ab:n1,n2,.. = Z_n1 x Z_n2 x ...
+F: that many extra fixed points (v = |G| + F).
"""
import sys, itertools
v,k,r=map(int,sys.argv[1:4]); spec=sys.argv[4]; F=int(sys.argv[5]) if len(sys.argv)>5 else 0
C=int(sys.argv[6]) if len(sys.argv)>6 else 1
kind,_,rest=spec.partition(':')
if kind=='semi':
    m,n,t=map(int,rest.split(':'))
    assert pow(t,n,m)==1
    els=[(a,i) for i in range(n) for a in range(m)]
    mul=lambda p,q:((p[0]+pow(t,p[1],m)*q[0])%m,(p[1]+q[1])%n)
    gens=[(1,0),(0,1)]
elif kind=='dic':
    m=int(rest)  # elements a^i x^e, i<2m, e<2
    els=[(i,e) for e in range(2) for i in range(2*m)]
    def mul(p,q):
        i,e=p; j,f=q
        # x a^j = a^-j x
        if e==0: return ((i+j)%(2*m),f)
        jj=(-j)%(2*m)
        if f==0: return ((i+jj)%(2*m),1)
        return ((i+jj+m)%(2*m),0)  # x x = a^m
    gens=[(1,0),(0,1)]
elif kind=='zq8':
    m=int(rest)
    q8=['1','i','j','k','-1','-i','-j','-k']
    tbl={('i','j'):'k',('j','k'):'i',('k','i'):'j',('j','i'):'-k',('k','j'):'-i',('i','k'):'-j',
         ('i','i'):'-1',('j','j'):'-1',('k','k'):'-1'}
    def qm(x,y):
        s=1
        if x.startswith('-'): s=-s; x=x[1:]
        if y.startswith('-'): s=-s; y=y[1:]
        if x=='1': z=y
        elif y=='1': z=x
        else: z=tbl[(x,y)]
        if z.startswith('-'): s=-s; z=z[1:]
        return z if s==1 else '-'+z
    els=[(a,q) for q in q8 for a in range(m)]
    mul=lambda p,q:((p[0]+q[0])%m,qm(p[1],q[1]))
    gens=[(1,'1'),(0,'i'),(0,'j')]
elif kind=='ab':
    ns=list(map(int,rest.split(',')))
    els=list(itertools.product(*[range(x) for x in ns]))
    mul=lambda p,q:tuple((a+b)%x for a,b,x in zip(p,q,ns))
    gens=[tuple(1 if i==j else 0 for i in range(len(ns))) for j in range(len(ns))]
idx={e:i for i,e in enumerate(els)}
N=len(els)
assert C*N+F==v, (N,C,F,v)
for a in els:
    for b in els: assert mul(a,b) in idx
print(v,k,r,len(gens))
for g in gens:
    print(' '.join(str(c*N+idx[mul(g,x)]) for c in range(C) for x in els)+''.join(' '+str(C*N+j) for j in range(F)))
